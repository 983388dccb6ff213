import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ComponentChildren } from 'preact';
import { z } from 'zod';
import { AppError, FieldValidationError, ForbiddenError, NotFoundError } from '../../platform/errors.js';
import type { SignedInActor } from '../../platform/context.js';
import { signedInAs } from '../../platform/http/guards.js';
import type { FormState } from '../../platform/http/components.js';
import { parseForm, type FormValues } from '../../platform/http/forms.js';
import { sendPage, viewContext, type ViewContext } from '../../platform/http/render.js';
import { siteById } from '../childcare/service.js';
import { actorEnterpriseId } from '../enterprises/index.js';
import {
  addGuardian,
  ageGroups,
  changeChoice,
  childOfFamily,
  choiceOfFamily,
  choicesOfFamily,
  chooseService,
  confirmInterest,
  deleteFamily,
  exportFamily,
  familyFile,
  guardianOf,
  registerChild,
  reserveChildFile,
  reserveOf,
  reserveSites,
  updateGuardian,
  verifyDeclaration,
  withdrawChoice,
  type AgeGroup,
  type ChoiceInput,
  type ReserveFilter,
} from './families.js';
import { admissionsOfFamily } from './admissions.js';
import { agreementsOfFamily } from './agreements.js';
import { unreadCount } from './messaging.js';
import { InboxLink } from './views/messaging.js';
import { FamilyAgreements } from './views/agreements.js';
import { criteriaOfSite, verifications } from './criteria.js';
import { carePeriods, publishedSheet, weekdays, type CarePeriod, type Weekday } from './service.js';
import { FamilyAdmissions } from './views/admissions.js';
import {
  ChildConfirmationPage,
  ChildFormPage,
  ChoicePage,
  choiceValues,
  ConfirmActionPage,
  FamilyPage,
  familyNotices,
  GuardianPage,
  guardianValues,
  PublicSheetPage,
  ReserveChildPage,
  ReserveListPage,
  ReservePageView,
  siteLabel,
  type FamilyNotice,
} from './views/families.js';

/** The parent's routes (a citizen's own family file); the authorization test enumerates them. */
export const familyRoutes = [
  'GET /famille',
  'GET /famille/parents/nouveau',
  'POST /famille/parents/nouveau',
  'GET /famille/parents/:guardianId',
  'POST /famille/parents/:guardianId',
  'GET /famille/enfants/nouveau',
  'POST /famille/enfants/nouveau',
  'GET /famille/enfants/:childId',
  'GET /famille/choix/:choiceId',
  'POST /famille/choix/:choiceId',
  'GET /famille/choix/:choiceId/retirer',
  'POST /famille/choix/:choiceId/retirer',
  'POST /famille/interet',
  'GET /famille/donnees',
  'GET /famille/supprimer',
  'POST /famille/supprimer',
  'GET /services/:siteId/inscrire',
  'POST /services/:siteId/inscrire',
] as const;

/** The provider's réserve routes. */
export const reserveRoutes = [
  'GET /entreprise/reserves',
  'GET /entreprise/reserves/:siteId',
  'GET /entreprise/reserves/:siteId/enfants/:choiceId',
  'POST /entreprise/reserves/:siteId/enfants/:choiceId/criteres/:criterionId',
] as const;

/** The public page of a service (its published sheet). */
export const publicServiceRoutes = ['GET /services/:siteId'] as const;

const list = z.array(z.string());
/** Forms carry no rule of their own: the service's rules give the field errors, after the actor's right is checked. */
const guardianForm = z.object({ role: z.string().optional(), name: z.string().optional(), email: z.string().optional(), phone: z.string().optional() });
const childForm = z.object({ firstName: z.string().optional(), lastName: z.string().optional(), birthDate: z.string().optional() });
const choiceForm = z.object({ childId: z.string().optional(), desiredStart: z.string().optional(), days: list.optional(), periods: list.optional(), flexibility: list.optional(), criteria: list.optional() });
const doneQuery = z.object({ fait: z.enum(Object.keys(familyNotices) as [FamilyNotice, ...FamilyNotice[]]).optional() });
/** Réserve filters: read as text and checked here, so that a bad filter shows the réserve unfiltered with a message, never an error page. */
const reserveQuery = z.object({
  age: z.string().max(50).optional(),
  du: z.string().max(50).optional(),
  au: z.string().max(50).optional(),
  jour: z.string().max(50).optional(),
  periode: z.string().max(50).optional(),
  partielle: z.string().max(50).optional(),
  debut: z.string().max(50).optional(),
});

function choiceInput(data: z.infer<typeof choiceForm>): ChoiceInput {
  const flexibility = data.flexibility ?? [];
  return {
    desiredStart: data.desiredStart ?? '',
    days: data.days ?? [],
    periods: data.periods ?? [],
    acceptsPartial: flexibility.includes('partial'),
    acceptsSubstitute: flexibility.includes('substitute'),
    criteria: data.criteria ?? [],
  };
}

/** Parses a filter query; null when a value is not one the form offers. */
function reserveFilter(q: z.infer<typeof reserveQuery>): ReserveFilter | null {
  const filter: ReserveFilter = {};
  const date = /^\d{4}-\d{2}-\d{2}$/;
  if (q.age) {
    if (!(ageGroups as readonly string[]).includes(q.age)) return null;
    filter.ageGroup = q.age as AgeGroup;
  }
  for (const [key, field] of [
    ['du', 'startFrom'],
    ['au', 'startTo'],
  ] as const) {
    const value = q[key];
    if (!value) continue;
    if (!date.test(value) || Number.isNaN(Date.parse(value))) return null;
    filter[field] = value;
  }
  if (q.jour) {
    if (!(weekdays as readonly string[]).includes(q.jour)) return null;
    filter.day = q.jour as Weekday;
  }
  if (q.periode) {
    if (!(carePeriods as readonly string[]).includes(q.periode)) return null;
    filter.period = q.periode as CarePeriod;
  }
  if (q.partielle) {
    if (q.partielle !== 'oui' && q.partielle !== 'non') return null;
    filter.acceptsPartial = q.partielle === 'oui';
  }
  if (q.debut) {
    if (!/^\d{1,6}$/.test(q.debut)) return null;
    filter.offset = Number(q.debut);
  }
  return filter;
}

/**
 * Every parent route starts here: anonymous visitors go to sign-in, other accounts are refused;
 * the service functions then find the family from the actor, never from an id in the URL.
 */
export function citizen(request: FastifyRequest): SignedInActor {
  return signedInAs(request, 'citizen');
}

export function registerFamilies(app: FastifyInstance): void {
  const db = app.db;
  const r = app.withTypeProvider<ZodTypeProvider>();

  const familyCrumbs = (v: ViewContext) => [{ href: '/famille', label: v.t('portal.family.title') }];
  const page = (request: FastifyRequest, reply: FastifyReply, title: string, body: ComponentChildren, status = 200) => {
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title, status, breadcrumbs: familyCrumbs(v) }, body);
  };

  r.get('/famille', { schema: { querystring: doneQuery } }, async (request, reply) => {
    citizen(request);
    const [file, choices, admissions, agreements, unread] = await Promise.all([familyFile(db, request.ctx), choicesOfFamily(db, request.ctx), admissionsOfFamily(db, request.ctx), agreementsOfFamily(db, request.ctx), unreadCount(db, request.ctx)]);
    const v = viewContext(request, reply);
    const admitted = (
      <>
        <p>
          <InboxLink v={v} unread={unread} />
        </p>
        <FamilyAdmissions v={v} admissions={admissions} />
        <FamilyAgreements v={v} agreements={agreements} />
      </>
    );
    return sendPage(reply, v, { title: v.t('portal.family.title') }, <FamilyPage v={v} file={file} choices={choices} notice={request.query.fait} admissions={admitted} />);
  });

  // --- Parents or guardians ---------------------------------------------------------------------
  const guardianParams = z.object({ guardianId: z.uuid() });

  r.get('/famille/parents/nouveau', async (request, reply) => {
    citizen(request);
    const v = viewContext(request, reply);
    return page(request, reply, v.t('portal.family.guardians.add'), <GuardianPage v={v} action="/famille/parents/nouveau" form={{ values: { role: 'parent' }, errors: {} }} />);
  });

  r.post('/famille/parents/nouveau', async (request, reply) => {
    citizen(request);
    const form = parseForm(guardianForm, request.body);
    if (!form.ok) throw new AppError(400, 'error.badRequest');
    try {
      await addGuardian(db, request.ctx, { role: form.data.role ?? '', name: form.data.name ?? '', email: form.data.email ?? '', phone: form.data.phone ?? '' });
      return reply.redirect('/famille?fait=enregistre', 303);
    } catch (error) {
      if (!(error instanceof FieldValidationError)) throw error;
      const v = viewContext(request, reply);
      return page(request, reply, v.t('portal.family.guardians.add'), <GuardianPage v={v} action="/famille/parents/nouveau" form={{ values: form.values, errors: error.fields }} />, 400);
    }
  });

  r.get('/famille/parents/:guardianId', { schema: { params: guardianParams } }, async (request, reply) => {
    citizen(request);
    const guardian = await guardianOf(db, request.ctx, request.params.guardianId);
    const v = viewContext(request, reply);
    const action = `/famille/parents/${guardian.id}`;
    return page(request, reply, v.t('portal.family.guardian.title'), <GuardianPage v={v} action={action} form={{ values: guardianValues(guardian), errors: {} }} />);
  });

  r.post('/famille/parents/:guardianId', { schema: { params: guardianParams } }, async (request, reply) => {
    citizen(request);
    const form = parseForm(guardianForm, request.body);
    if (!form.ok) throw new AppError(400, 'error.badRequest');
    const { guardianId } = request.params;
    try {
      await updateGuardian(db, request.ctx, guardianId, { role: form.data.role ?? '', name: form.data.name ?? '', email: form.data.email ?? '', phone: form.data.phone ?? '' });
      return reply.redirect('/famille?fait=enregistre', 303);
    } catch (error) {
      if (!(error instanceof FieldValidationError)) throw error;
      const v = viewContext(request, reply);
      return page(request, reply, v.t('portal.family.guardian.title'), <GuardianPage v={v} action={`/famille/parents/${guardianId}`} form={{ values: form.values, errors: error.fields }} />, 400);
    }
  });

  // --- Children -----------------------------------------------------------------------------------
  const childParams = z.object({ childId: z.uuid() });

  r.get('/famille/enfants/nouveau', async (request, reply) => {
    citizen(request);
    const v = viewContext(request, reply);
    return page(request, reply, v.t('portal.child.title'), <ChildFormPage v={v} form={{ values: {}, errors: {} }} />);
  });

  r.post('/famille/enfants/nouveau', async (request, reply) => {
    citizen(request);
    const form = parseForm(childForm, request.body);
    if (!form.ok) throw new AppError(400, 'error.badRequest');
    try {
      const child = await registerChild(db, request.ctx, { firstName: form.data.firstName ?? '', lastName: form.data.lastName ?? '', birthDate: form.data.birthDate ?? '' });
      return reply.redirect(`/famille/enfants/${child.id}?nouveau=1`, 303);
    } catch (error) {
      if (!(error instanceof FieldValidationError)) throw error;
      const v = viewContext(request, reply);
      return page(request, reply, v.t('portal.child.title'), <ChildFormPage v={v} form={{ values: form.values, errors: error.fields }} />, 400);
    }
  });

  r.get('/famille/enfants/:childId', { schema: { params: childParams, querystring: z.object({ nouveau: z.literal('1').optional() }) } }, async (request, reply) => {
    citizen(request);
    const child = await childOfFamily(db, request.ctx, request.params.childId);
    const v = viewContext(request, reply);
    return page(request, reply, v.t('portal.child.confirmation'), <ChildConfirmationPage v={v} child={child} justRegistered={request.query.nouveau === '1'} />);
  });

  // --- Choices ------------------------------------------------------------------------------------
  const siteParams = z.object({ siteId: z.uuid() });
  const choiceParams = z.object({ choiceId: z.uuid() });

  async function showNewChoice(request: FastifyRequest, reply: FastifyReply, siteId: string, form: FormState, status = 200) {
    const sheet = await publishedSheet(db, request.ctx, siteId);
    const site = sheet ? await siteById(db, siteId) : undefined;
    // Only a published service can be chosen: the others have no public page to choose from.
    if (!site) throw new NotFoundError();
    const [{ children }, criteria] = await Promise.all([familyFile(db, request.ctx), criteriaOfSite(db, site.id)]);
    const v = viewContext(request, reply);
    const action = `/services/${siteId}/inscrire`;
    const body =
      children.length === 0 ? (
        <>
          <p>{v.t('portal.choice.noChild')}</p>
          <p>
            <a href="/famille/enfants/nouveau">{v.t('portal.family.children.add')}</a>
          </p>
        </>
      ) : (
        <ChoicePage v={v} action={action} site={site} criteria={criteria} children={children} form={form} submit="portal.choice.submit" />
      );
    return page(request, reply, v.t('portal.choice.title'), body, status);
  }

  r.get('/services/:siteId/inscrire', { schema: { params: siteParams } }, async (request, reply) => {
    citizen(request);
    return showNewChoice(request, reply, request.params.siteId, { values: { days: 'mon,tue,wed,thu,fri', periods: 'full_time' }, errors: {} });
  });

  r.post('/services/:siteId/inscrire', { schema: { params: siteParams } }, async (request, reply) => {
    citizen(request);
    const form = parseForm(choiceForm, request.body);
    if (!form.ok) throw new AppError(400, 'error.badRequest');
    const { siteId } = request.params;
    try {
      // A child id that is not a uuid is no child of this family: refused as another family's.
      if (!z.uuid().safeParse(form.data.childId ?? '').success) throw new ForbiddenError();
      await chooseService(db, request.ctx, form.data.childId ?? '', siteId, choiceInput(form.data));
      return reply.redirect('/famille?fait=choisi', 303);
    } catch (error) {
      if (!(error instanceof FieldValidationError)) throw error;
      return showNewChoice(request, reply, siteId, { values: form.values, errors: error.fields }, 400);
    }
  });

  r.get('/famille/choix/:choiceId', { schema: { params: choiceParams } }, async (request, reply) => {
    citizen(request);
    const { choice, site, criteria, declared } = await choiceOfFamily(db, request.ctx, request.params.choiceId);
    const v = viewContext(request, reply);
    const form = { values: choiceValues(choice, declared), errors: {} };
    return page(request, reply, v.t('portal.choice.editTitle'), <ChoicePage v={v} action={`/famille/choix/${choice.id}`} site={site} criteria={criteria} checks={declared} children={null} form={form} submit="portal.choice.save" />);
  });

  r.post('/famille/choix/:choiceId', { schema: { params: choiceParams } }, async (request, reply) => {
    citizen(request);
    const form = parseForm(choiceForm, request.body);
    if (!form.ok) throw new AppError(400, 'error.badRequest');
    const { choiceId } = request.params;
    try {
      await changeChoice(db, request.ctx, choiceId, choiceInput(form.data));
      return reply.redirect('/famille?fait=modifie', 303);
    } catch (error) {
      if (!(error instanceof FieldValidationError)) throw error;
      const { site, criteria, declared } = await choiceOfFamily(db, request.ctx, choiceId);
      const v = viewContext(request, reply);
      const values: FormValues = form.values;
      return page(
        request,
        reply,
        v.t('portal.choice.editTitle'),
        <ChoicePage v={v} action={`/famille/choix/${choiceId}`} site={site} criteria={criteria} checks={declared} children={null} form={{ values, errors: error.fields }} submit="portal.choice.save" />,
        400,
      );
    }
  });

  r.get('/famille/choix/:choiceId/retirer', { schema: { params: choiceParams } }, async (request, reply) => {
    citizen(request);
    const { choice, child, site } = await choiceOfFamily(db, request.ctx, request.params.choiceId);
    const v = viewContext(request, reply);
    const text = v.t('portal.choice.withdraw.consequences', { child: `${child.firstName} ${child.lastName}`, service: siteLabel(v, site) });
    return page(request, reply, v.t('portal.choice.withdraw.title'), <ConfirmActionPage v={v} action={`/famille/choix/${choice.id}/retirer`} text={text} confirm="portal.choice.withdraw.confirm" />);
  });

  r.post('/famille/choix/:choiceId/retirer', { schema: { params: choiceParams } }, async (request, reply) => {
    citizen(request);
    await withdrawChoice(db, request.ctx, request.params.choiceId);
    return reply.redirect('/famille?fait=retire', 303);
  });

  // --- Interest, data, deletion ---------------------------------------------------------------------
  r.post('/famille/interet', async (request, reply) => {
    citizen(request);
    await confirmInterest(db, request.ctx);
    return reply.redirect('/famille?fait=interet', 303);
  });

  r.get('/famille/donnees', async (request, reply) => {
    citizen(request);
    const data = await exportFamily(db, request.ctx);
    return reply
      .header('content-type', 'application/json; charset=utf-8')
      .header('content-disposition', 'attachment; filename="dossier-familial.json"')
      .header('cache-control', 'no-store')
      .send(JSON.stringify(data, null, 2));
  });

  r.get('/famille/supprimer', async (request, reply) => {
    citizen(request);
    const file = await familyFile(db, request.ctx);
    if (!file.family) return reply.redirect('/famille', 303);
    const v = viewContext(request, reply);
    return page(request, reply, v.t('portal.family.delete.title'), <ConfirmActionPage v={v} action="/famille/supprimer" text={v.t('portal.family.delete.consequences')} confirm="portal.family.delete.confirm" />);
  });

  r.post('/famille/supprimer', async (request, reply) => {
    citizen(request);
    await deleteFamily(db, request.ctx);
    return reply.redirect('/famille?fait=supprime', 303);
  });

  // --- The public page of a service ---------------------------------------------------------------
  r.get('/services/:siteId', { schema: { params: siteParams } }, async (request, reply) => {
    const sheet = await publishedSheet(db, request.ctx, request.params.siteId);
    // Only a published sheet shows its criteria (publishedSheet checked that the public may see it).
    const criteria = sheet ? await criteriaOfSite(db, sheet.siteId) : [];
    const actor = request.ctx.actor;
    const canRegister = actor.type === 'account' ? (actor.accountKind === 'citizen' ? 'citizen' : 'other') : 'anonymous';
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('portal.public.title'), status: sheet ? 200 : 404 }, <PublicSheetPage v={v} sheet={sheet} criteria={criteria} canRegister={canRegister} />);
  });

  // --- The provider's réserves ----------------------------------------------------------------------
  const reserveCrumbs = (v: ViewContext) => [
    { href: '/entreprise', label: v.t('workspace.title') },
    { href: '/entreprise/reserves', label: v.t('portal.reserves.title') },
  ];

  r.get('/entreprise/reserves', async (request, reply) => {
    const enterpriseId = await actorEnterpriseId(request);
    const sites = await reserveSites(db, request.ctx, enterpriseId);
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('portal.reserves.title'), breadcrumbs: reserveCrumbs(v).slice(0, 1) }, <ReserveListPage v={v} sites={sites} />);
  });

  r.get('/entreprise/reserves/:siteId', { schema: { params: siteParams, querystring: reserveQuery } }, async (request, reply) => {
    await actorEnterpriseId(request);
    const filter = reserveFilter(request.query);
    const result = await reserveOf(db, request.ctx, request.params.siteId, filter ?? {});
    const query: FormValues = filter ? Object.fromEntries(Object.entries(request.query).filter((e): e is [string, string] => typeof e[1] === 'string')) : {};
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('portal.reserve.title'), breadcrumbs: reserveCrumbs(v) }, <ReservePageView v={v} page={result} query={query} invalidFilter={filter === null} />);
  });

  const reserveChildParams = z.object({ siteId: z.uuid(), choiceId: z.uuid() });
  r.get('/entreprise/reserves/:siteId/enfants/:choiceId', { schema: { params: reserveChildParams, querystring: z.object({ fait: z.literal('1').optional() }) } }, async (request, reply) => {
    await actorEnterpriseId(request);
    const file = await reserveChildFile(db, request.ctx, request.params.siteId, request.params.choiceId);
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('portal.reserve.file'), breadcrumbs: reserveCrumbs(v) }, <ReserveChildPage v={v} file={file} verified={request.query.fait === '1'} />);
  });

  const verificationForm = z.object({ verification: z.string().optional() });
  r.post('/entreprise/reserves/:siteId/enfants/:choiceId/criteres/:criterionId', { schema: { params: reserveChildParams.extend({ criterionId: z.uuid() }) } }, async (request, reply) => {
    await actorEnterpriseId(request);
    const { siteId, choiceId, criterionId } = request.params;
    const form = parseForm(verificationForm, request.body);
    // Only the two buttons' values: anything else is a body no page of ours sends.
    const verification = verifications.find((value) => form.ok && value === form.data.verification);
    if (!verification) throw new AppError(400, 'error.badRequest');
    await verifyDeclaration(db, request.ctx, siteId, choiceId, criterionId, verification);
    return reply.redirect(`/entreprise/reserves/${siteId}/enfants/${choiceId}?fait=1`, 303);
  });
}
