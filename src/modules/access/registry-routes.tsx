import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authorize } from '../../platform/authz.js';
import { FieldValidationError } from '../../platform/errors.js';
import { signedIn } from '../../platform/http/guards.js';
import { emptyForm, type FormState } from '../../platform/http/components.js';
import { parseForm, requiredText, type FormValues } from '../../platform/http/forms.js';
import { sendPage, viewContext, type ViewContext } from '../../platform/http/render.js';
import type { Translate } from '../../platform/i18n/index.js';
import {
  attachStaff,
  changeProfile,
  currentRegister,
  detachStaff,
  exportRegister,
  firmByNeq,
  grantMandate,
  grantProfile,
  mandateOf,
  mandatesOf,
  ownAccess,
  programOrNotFound,
  registryActions,
  registerEntryOf,
  registerHistory,
  revokeMandate,
  servicePointStaff,
  staffEntryOf,
  withdrawProfile,
  type Firm,
  type RegisterEntry,
  type RegistrySettings,
} from './grants.js';
import { profiles, registryPrograms, type RegistryProgram } from './registry.js';
import { HubPage, MyAccessPage, programName, ProgramsPage } from './views/registry.js';
import { ChangePage, ConfirmPage, HistoryPage, MandatesPage, RegisterPage, withdrawMessage } from './views/registry-register.js';
import { StaffPage } from './views/registry-staff.js';
import { formatQuebecTimestamp } from '../../platform/time/index.js';

/** Every route of this file: the refusal tests try each of them. */
export const registryRoutes = [
  'GET /aide',
  'GET /aide/:program',
  'GET /aide/:program/mes-acces',
  'GET /aide/:program/registre',
  'GET /aide/:program/registre.csv',
  'GET /aide/:program/registre/historique',
  'POST /aide/:program/registre/profils',
  'GET /aide/:program/registre/profils/:grantId',
  'POST /aide/:program/registre/profils/:grantId',
  'GET /aide/:program/registre/profils/:grantId/retrait',
  'POST /aide/:program/registre/profils/:grantId/retrait',
  'GET /aide/:program/registre/mandats',
  'POST /aide/:program/registre/mandats',
  'GET /aide/:program/registre/mandats/:mandateId/revocation',
  'POST /aide/:program/registre/mandats/:mandateId/revocation',
  'GET /aide/:program/point-de-service',
  'POST /aide/:program/point-de-service/personnel',
  'GET /aide/:program/point-de-service/personnel/:staffId/detachement',
  'POST /aide/:program/point-de-service/personnel/:staffId/detachement',
] as const;

const profileField = z.enum(profiles, 'registry.profile.required');
const grantForm = z.object({ userCode: requiredText('registry.userCode.required', 20), profile: profileField });
const changeForm = z.object({ profile: profileField });
const mandateForm = z.object({
  neq: z.string().max(20),
  servicePointId: z.uuid('registry.mandate.servicePoint.required'),
  validUntil: z.string().trim().max(10, 'registry.mandate.validUntil.invalid').optional(),
});
const attachForm = z.object({ point: z.uuid(), userCode: requiredText('registry.userCode.required', 20) });

const programParams = z.object({ program: z.string().regex(/^[a-z0-9-]{1,40}$/) });
const grantParams = programParams.extend({ grantId: z.uuid() });
const mandateParams = programParams.extend({ mandateId: z.uuid() });
const staffParams = programParams.extend({ staffId: z.uuid() });
const pageQuery = z.object({ page: z.coerce.number().int().min(1).max(100_000).optional(), fait: z.enum(['accorde', 'modifie', 'retire']).optional() });

/** A CSV cell: quoted when needed; a leading = + - @ (or tab, carriage return) is neutralised so a spreadsheet never runs it as a formula. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r;]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The register as CSV: UTF-8 with a byte-order mark (spreadsheets read the accents), one line per grant, Quebec times. */
export function registerCsv(t: Translate, entries: RegisterEntry[]): string {
  const header = [
    'registry.column.person',
    'registry.column.userCode',
    'registry.column.profile',
    'registry.column.servicePoint',
    'registry.column.grantedBy',
    'registry.column.grantedAt',
    'registry.column.endedBy',
    'registry.column.endedAt',
    'registry.column.reason',
  ] as const;
  const lines = [header.map((key) => csvCell(t(key))).join(',')];
  for (const e of entries) {
    lines.push(
      [
        e.displayName,
        e.userCode ?? '',
        t(`registry.profile.${e.profile}`),
        e.servicePointName ? `${e.servicePointName} (${e.firmName ?? ''})` : '',
        e.grantedByName,
        formatQuebecTimestamp(e.grantedAt),
        e.endedByName ?? '',
        e.endedAt ? formatQuebecTimestamp(e.endedAt) : '',
        e.endReason ? t(`registry.endReason.${e.endReason}`) : '',
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export function registerRegistry(app: FastifyInstance): void {
  const settings: RegistrySettings = { publicUrl: app.config.publicUrl };
  const db = app.db;
  const r = app.withTypeProvider<ZodTypeProvider>();

  function hubCrumbs(v: ViewContext, program: RegistryProgram) {
    return [
      { href: '/aide', label: v.t('registry.programs.title') },
      { href: `/aide/${program.code}`, label: programName(v, program) },
    ];
  }

  function registerCrumbs(v: ViewContext, program: RegistryProgram, organization: string) {
    return [...hubCrumbs(v, program), { href: `/aide/${program.code}/registre`, label: v.t('registry.register.title', { organization }) }];
  }

  /** Shows a form again with the service's field errors; any other error goes on. */
  async function orFieldErrors(work: () => Promise<FastifyReply>, values: FormValues, show: (form: FormState) => Promise<FastifyReply>): Promise<FastifyReply> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof FieldValidationError) return show({ values, errors: error.fields });
      throw error;
    }
  }

  // --- Programs and hub -----------------------------------------------------------------------
  r.get('/aide', async (request, reply) => {
    signedIn(request);
    await authorize(db, request.ctx.actor, registryActions.viewOwnAccess, undefined);
    const programs = await registryPrograms(db);
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('registry.programs.title') }, <ProgramsPage v={v} programs={programs} />);
  });

  r.get('/aide/:program', { schema: { params: programParams } }, async (request, reply) => {
    signedIn(request);
    const own = await ownAccess(db, request.ctx, request.params.program);
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: programName(v, own.program), breadcrumbs: [{ href: '/aide', label: v.t('registry.programs.title') }] }, <HubPage v={v} own={own} />);
  });

  r.get('/aide/:program/mes-acces', { schema: { params: programParams } }, async (request, reply) => {
    signedIn(request);
    const own = await ownAccess(db, request.ctx, request.params.program);
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('registry.mine.title', { program: programName(v, own.program) }), breadcrumbs: hubCrumbs(v, own.program) }, <MyAccessPage v={v} own={own} />);
  });

  // --- The register ---------------------------------------------------------------------------
  async function showRegister(request: FastifyRequest, reply: FastifyReply, code: string, page: number, form: FormState, status = 200, notice?: string) {
    const program = await programOrNotFound(db, code);
    const register = await currentRegister(db, request.ctx, program.code, page);
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('registry.register.title', { organization: register.organization.name }), status, breadcrumbs: hubCrumbs(v, program) }, (
      <RegisterPage v={v} program={program.code} register={register} form={form} notice={notice} />
    ));
  }

  const doneMessages = { accorde: 'registry.grant.done', modifie: 'registry.change.done', retire: 'registry.withdraw.done' } as const;

  r.get('/aide/:program/registre', { schema: { params: programParams, querystring: pageQuery } }, async (request, reply) => {
    signedIn(request);
    const { fait, page } = request.query;
    const notice = fait ? viewContext(request, reply).t(doneMessages[fait]) : undefined;
    return showRegister(request, reply, request.params.program, page ?? 1, emptyForm, 200, notice);
  });

  r.post('/aide/:program/registre/profils', { schema: { params: programParams } }, async (request, reply) => {
    signedIn(request);
    const { program } = request.params;
    const form = parseForm(grantForm, request.body);
    if (!form.ok) return showRegister(request, reply, program, 1, form, 400);
    return orFieldErrors(
      async () => {
        await grantProfile(db, request.ctx, settings, program, form.data);
        app.outbox.nudge();
        return reply.redirect(`/aide/${program}/registre?fait=accorde`, 303);
      },
      form.values,
      (shown) => showRegister(request, reply, program, 1, shown, 400),
    );
  });

  r.get('/aide/:program/registre/historique', { schema: { params: programParams, querystring: pageQuery } }, async (request, reply) => {
    signedIn(request);
    const program = await programOrNotFound(db, request.params.program);
    const history = await registerHistory(db, request.ctx, program.code, request.query.page ?? 1);
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('registry.register.history'), breadcrumbs: registerCrumbs(v, program, history.organization.name) }, (
      <HistoryPage v={v} program={program.code} history={history} />
    ));
  });

  r.get('/aide/:program/registre.csv', { schema: { params: programParams } }, async (request, reply) => {
    signedIn(request);
    const program = await programOrNotFound(db, request.params.program);
    const { organization, entries } = await exportRegister(db, request.ctx, program.code);
    const v = viewContext(request, reply);
    const name = v.t('registry.csv.name', { program: program.code, identifier: organization.identifier });
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${encodeURIComponent(name)}"`)
      .header('cache-control', 'no-store')
      .send(registerCsv(v.t, entries));
  });

  async function showChange(request: FastifyRequest, reply: FastifyReply, code: string, grantId: string, form: FormState, status = 200) {
    const program = await programOrNotFound(db, code);
    const { organization, entry } = await registerEntryOf(db, request.ctx, program.code, grantId);
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('registry.change.title'), status, breadcrumbs: registerCrumbs(v, program, organization.name) }, (
      <ChangePage v={v} program={program.code} entry={entry} form={form} />
    ));
  }

  r.get('/aide/:program/registre/profils/:grantId', { schema: { params: grantParams } }, async (request, reply) => {
    signedIn(request);
    return showChange(request, reply, request.params.program, request.params.grantId, emptyForm);
  });

  r.post('/aide/:program/registre/profils/:grantId', { schema: { params: grantParams } }, async (request, reply) => {
    signedIn(request);
    const { program, grantId } = request.params;
    const form = parseForm(changeForm, request.body);
    if (!form.ok) return showChange(request, reply, program, grantId, form, 400);
    return orFieldErrors(
      async () => {
        await changeProfile(db, request.ctx, settings, program, grantId, form.data.profile);
        app.outbox.nudge();
        return reply.redirect(`/aide/${program}/registre?fait=modifie`, 303);
      },
      form.values,
      (shown) => showChange(request, reply, program, grantId, shown, 400),
    );
  });

  r.get('/aide/:program/registre/profils/:grantId/retrait', { schema: { params: grantParams } }, async (request, reply) => {
    signedIn(request);
    const program = await programOrNotFound(db, request.params.program);
    const { organization, entry } = await registerEntryOf(db, request.ctx, program.code, request.params.grantId);
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('registry.withdraw.title'), breadcrumbs: registerCrumbs(v, program, organization.name) }, (
      <ConfirmPage
        v={v}
        action={`/aide/${program.code}/registre/profils/${entry.id}/retrait`}
        message={withdrawMessage(v, organization, entry)}
        submit={v.t('registry.withdraw.submit')}
        back={`/aide/${program.code}/registre`}
      />
    ));
  });

  r.post('/aide/:program/registre/profils/:grantId/retrait', { schema: { params: grantParams } }, async (request, reply) => {
    signedIn(request);
    parseForm(z.object({}), request.body);
    const { program, grantId } = request.params;
    await withdrawProfile(db, request.ctx, settings, program, grantId);
    app.outbox.nudge();
    return reply.redirect(`/aide/${program}/registre?fait=retire`, 303);
  });

  // --- Mandates -------------------------------------------------------------------------------
  async function showMandates(
    request: FastifyRequest,
    reply: FastifyReply,
    code: string,
    neq: string | undefined,
    mandateFormState: FormState,
    status = 200,
    notice?: string,
  ) {
    const program = await programOrNotFound(db, code);
    const { organization, mandates } = await mandatesOf(db, request.ctx, program.code);
    let firm: Firm | null = null;
    let neqForm: FormState = neq === undefined ? emptyForm : { values: { neq }, errors: {} };
    if (neq !== undefined) {
      try {
        firm = await firmByNeq(db, request.ctx, program.code, neq);
      } catch (error) {
        if (!(error instanceof FieldValidationError)) throw error;
        neqForm = { values: { neq }, errors: error.fields };
        status = 400;
      }
    }
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('registry.mandates.title', { organization: organization.name }), status, breadcrumbs: registerCrumbs(v, program, organization.name) }, (
      <MandatesPage v={v} program={program.code} mandates={mandates} firm={firm} neqForm={neqForm} mandateForm={mandateFormState} notice={notice} />
    ));
  }

  const mandatesQuery = z.object({
    neq: z.string().max(20).optional(),
    fait: z.enum(['mandate', 'revoque']).optional(),
    profils: z.coerce.number().int().min(0).optional(),
  });
  r.get('/aide/:program/registre/mandats', { schema: { params: programParams, querystring: mandatesQuery } }, async (request, reply) => {
    signedIn(request);
    const { neq, fait, profils } = request.query;
    const t = viewContext(request, reply).t;
    const notice = fait === 'mandate' ? t('registry.mandates.done') : fait === 'revoque' ? t('registry.revoke.done', { count: profils ?? 0 }) : undefined;
    return showMandates(request, reply, request.params.program, neq || undefined, emptyForm, 200, notice);
  });

  r.post('/aide/:program/registre/mandats', { schema: { params: programParams } }, async (request, reply) => {
    signedIn(request);
    const { program } = request.params;
    const form = parseForm(mandateForm, request.body);
    if (!form.ok) return showMandates(request, reply, program, form.values.neq ?? '', form, 400);
    return orFieldErrors(
      async () => {
        await grantMandate(db, request.ctx, settings, program, { servicePointId: form.data.servicePointId, validUntil: form.data.validUntil || null });
        app.outbox.nudge();
        return reply.redirect(`/aide/${program}/registre/mandats?fait=mandate`, 303);
      },
      form.values,
      (shown) => showMandates(request, reply, program, form.data.neq, shown, 400),
    );
  });

  r.get('/aide/:program/registre/mandats/:mandateId/revocation', { schema: { params: mandateParams } }, async (request, reply) => {
    signedIn(request);
    const program = await programOrNotFound(db, request.params.program);
    const { organization, mandate, profiles } = await mandateOf(db, request.ctx, program.code, request.params.mandateId);
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('registry.revoke.title'), breadcrumbs: registerCrumbs(v, program, organization.name) }, (
      <ConfirmPage
        v={v}
        action={`/aide/${program.code}/registre/mandats/${mandate.id}/revocation`}
        message={v.t('registry.revoke.confirm', { servicePoint: mandate.servicePointName, firm: mandate.firmName, count: profiles })}
        submit={v.t('registry.revoke.submit')}
        back={`/aide/${program.code}/registre/mandats`}
      />
    ));
  });

  r.post('/aide/:program/registre/mandats/:mandateId/revocation', { schema: { params: mandateParams } }, async (request, reply) => {
    signedIn(request);
    parseForm(z.object({}), request.body);
    const { program, mandateId } = request.params;
    const ended = await revokeMandate(db, request.ctx, settings, program, mandateId);
    app.outbox.nudge();
    return reply.redirect(`/aide/${program}/registre/mandats?fait=revoque&profils=${ended}`, 303);
  });

  // --- The mandatary manager's service point --------------------------------------------------
  async function showStaff(request: FastifyRequest, reply: FastifyReply, code: string, pointId: string | undefined, form: FormState, status = 200, notice?: string) {
    const program = await programOrNotFound(db, code);
    const { points, point, staff } = await servicePointStaff(db, request.ctx, program.code, pointId);
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('registry.staff.title', { servicePoint: point.name }), status, breadcrumbs: hubCrumbs(v, program) }, (
      <StaffPage v={v} program={program.code} points={points} point={point} staff={staff} form={form} notice={notice} />
    ));
  }

  const staffQuery = z.object({
    point: z.uuid().optional(),
    fait: z.enum(['associe', 'dissocie']).optional(),
    profils: z.coerce.number().int().min(0).optional(),
  });
  r.get('/aide/:program/point-de-service', { schema: { params: programParams, querystring: staffQuery } }, async (request, reply) => {
    signedIn(request);
    const { point, fait, profils } = request.query;
    const t = viewContext(request, reply).t;
    const notice = fait === 'associe' ? t('registry.staff.done') : fait === 'dissocie' ? t('registry.detach.done', { count: profils ?? 0 }) : undefined;
    return showStaff(request, reply, request.params.program, point, emptyForm, 200, notice);
  });

  r.post('/aide/:program/point-de-service/personnel', { schema: { params: programParams } }, async (request, reply) => {
    signedIn(request);
    const { program } = request.params;
    const form = parseForm(attachForm, request.body);
    if (!form.ok) return showStaff(request, reply, program, z.uuid().safeParse(form.values.point).data, form, 400);
    return orFieldErrors(
      async () => {
        await attachStaff(db, request.ctx, program, form.data.point, form.data.userCode);
        return reply.redirect(`/aide/${program}/point-de-service?point=${form.data.point}&fait=associe`, 303);
      },
      form.values,
      (shown) => showStaff(request, reply, program, form.data.point, shown, 400),
    );
  });

  r.get('/aide/:program/point-de-service/personnel/:staffId/detachement', { schema: { params: staffParams } }, async (request, reply) => {
    signedIn(request);
    const program = await programOrNotFound(db, request.params.program);
    const { point, entry, profiles } = await staffEntryOf(db, request.ctx, program.code, request.params.staffId);
    const v = viewContext(request, reply);
    const back = `/aide/${program.code}/point-de-service?point=${point.id}`;
    return sendPage(reply, v, { title: v.t('registry.detach.title'), breadcrumbs: [...hubCrumbs(v, program), { href: back, label: v.t('registry.staff.title', { servicePoint: point.name }) }] }, (
      <ConfirmPage
        v={v}
        action={`/aide/${program.code}/point-de-service/personnel/${entry.id}/detachement`}
        message={v.t('registry.detach.confirm', { name: entry.displayName, userCode: entry.userCode ?? '', servicePoint: point.name, count: profiles })}
        submit={v.t('registry.detach.submit')}
        back={back}
      />
    ));
  });

  r.post('/aide/:program/point-de-service/personnel/:staffId/detachement', { schema: { params: staffParams } }, async (request, reply) => {
    signedIn(request);
    parseForm(z.object({}), request.body);
    const { program, staffId } = request.params;
    const { servicePointId, ended } = await detachStaff(db, request.ctx, settings, program, staffId);
    app.outbox.nudge();
    return reply.redirect(`/aide/${program}/point-de-service?point=${servicePointId}&fait=dissocie&profils=${ended}`, 303);
  });
}
