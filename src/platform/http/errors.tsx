import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, DamagedDocumentError, FieldValidationError } from '../errors.js';
import { translate, type MessageKey } from '../i18n/index.js';
import { redirectToSignIn, SignInRequired } from './guards.js';
import { sendPage, viewContext } from './render.js';

type Problem = { status: number; key: MessageKey; params?: Record<string, string | number>; fields?: Record<string, string> };

const titleByStatus: Record<number, MessageKey> = {
  400: 'error.badRequest.title',
  403: 'error.forbidden.title',
  404: 'error.notFound.title',
  409: 'error.conflict.title',
  413: 'error.tooLarge.title',
  415: 'error.badRequest.title',
  429: 'error.tooMany.title',
  500: 'error.server.title',
  503: 'error.unavailable.title',
};

function problemOf(error: FastifyError | AppError | Error): Problem {
  if (error instanceof AppError) return { status: error.status, key: error.messageKey, params: error.params };
  const fe = error as FastifyError;
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { status: 413, key: 'error.tooLarge' };
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return { status: 415, key: 'error.mediaType' };
  if (fe.statusCode === 429) return { status: 429, key: 'error.tooMany' };
  if (fe.validation || fe.code === 'FST_ERR_VALIDATION') return { status: 400, key: 'error.badRequest' };
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) return { status: 400, key: 'error.badRequest' };
  return { status: 500, key: 'error.server' };
}

export function isApiRequest(request: FastifyRequest): boolean {
  return request.url === '/api' || request.url.startsWith('/api/');
}

function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: Problem, error?: Error): FastifyReply {
  const lang = request.ctx?.lang ?? 'fr';
  const message = translate(lang, problem.key, problem.params);
  if (isApiRequest(request) || !request.ctx) {
    const fields =
      error instanceof FieldValidationError
        ? Object.fromEntries(Object.entries(error.fields).map(([f, k]) => [f, translate(lang, k)]))
        : undefined;
    return reply.status(problem.status).send({ error: { status: problem.status, message, ...(fields ? { fields } : {}) } });
  }
  const v = viewContext(request, reply);
  const title = v.t(titleByStatus[problem.status] ?? 'error.server.title');
  return sendPage(reply, v, { title, status: problem.status }, (
    <>
      <p>{message}</p>
      <p>
        <a href="/">{v.t('error.backHome')}</a>
      </p>
      <p class="reference">{v.t('error.reference', { id: String(request.id) })}</p>
    </>
  ));
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError | SignInRequired, request, reply) => {
    if (error instanceof SignInRequired) return redirectToSignIn(reply, error);
    const problem = problemOf(error);
    if (problem.status >= 500) {
      const damaged = error instanceof DamagedDocumentError ? { storedFileId: error.storedFileId, reason: error.reason } : {};
      request.log.error({ errName: error.name, errCode: (error as FastifyError).code, ...damaged, stack: error.stack?.split('\n').slice(1).join('\n') }, 'request failed');
    }
    return sendProblem(request, reply, problem, error);
  });
  app.setNotFoundHandler((request, reply) => sendProblem(request, reply, { status: 404, key: 'error.notFound' }));
}
