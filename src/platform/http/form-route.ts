import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { FieldValidationError } from '../errors.js';
import type { FormState } from './components.js';
import { parseForm } from './forms.js';

/** What a page's form does once submitted; `submitForm` runs the steps in order. */
export type FormSubmission<S extends z.ZodObject, R> = {
  schema: S;
  /** The service call. A `FieldValidationError` it throws shows the form again with its messages. */
  act: (data: z.infer<S>) => Promise<R>;
  /** The page with the form shown again, the values kept, with the form's or the service's field errors. */
  show: (form: FormState, status: number) => Promise<FastifyReply>;
  /** After the change: the path to go to (a 303, so a reload sends nothing twice), or a page. */
  done: (result: R) => string | FastifyReply;
};

/**
 * The one shape of a form route: parse (structure first, see `parseForm`), call the service, show
 * the form again with 400 and the errors, or go on.
 */
export async function submitForm<S extends z.ZodObject, R>(body: unknown, reply: FastifyReply, submission: FormSubmission<S, R>): Promise<FastifyReply> {
  const form = parseForm(submission.schema, body);
  if (!form.ok) return submission.show(form, 400);
  let result: R;
  try {
    result = await submission.act(form.data);
  } catch (error) {
    if (error instanceof FieldValidationError) return submission.show({ values: form.values, errors: error.fields }, 400);
    throw error;
  }
  const next = submission.done(result);
  return typeof next === 'string' ? reply.redirect(next, 303) : next;
}
