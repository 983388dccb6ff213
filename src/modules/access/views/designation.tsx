import { ChoiceGroup, ErrorSummary, Form, Notice, SelectField, SubmitButton, TextField, type FormState } from '../../../platform/http/components.js';
import type { ViewContext } from '../../../platform/http/render.js';
import { formatDateTime, formatLongDate } from '../../../platform/i18n/format.js';
import type { DesignationRequest, DesignationReview, FunctionRow, ServicePointInfo, TargetKind } from '../designations.js';
import type { OrganizationInfo, RegistryProgram } from '../registry.js';
import { programName } from './registry.js';

/** The fields of both forms, in the order they appear: the error summary links to each. */
const fieldLabels = (v: ViewContext): Record<string, string> => ({
  targetKind: v.t('designation.targetKind'),
  geographicCode: v.t('designation.geographicCode'),
  neq: v.t('designation.neq'),
  servicePointId: v.t('designation.servicePointId'),
  servicePointName: v.t('designation.servicePointName'),
  servicePointAddress: v.t('designation.servicePointAddress'),
  userCode: v.t('designation.userCode'),
  requesterName: v.t('designation.requesterName'),
  requesterFunction: v.t('designation.requesterFunction'),
  programs: v.t('designation.programs'),
});

export type FormMode = 'designation' | 'remplacement';

export function DesignationFormPage({
  v,
  program,
  mode,
  form,
  points,
  programs,
  mine,
  notice,
}: {
  v: ViewContext;
  program: RegistryProgram;
  mode: FormMode;
  form: FormState;
  points: ServicePointInfo[];
  programs: RegistryProgram[];
  mine: DesignationRequest[];
  notice?: string | undefined;
}) {
  const base = `/aide/${program.code}`;
  return (
    <>
      {notice ? (
        <Notice v={v} kind="success">
          <p>{notice}</p>
        </Notice>
      ) : null}
      <p>{v.t(mode === 'designation' ? 'designation.lead' : 'designation.replacement.lead')}</p>
      <p>
        {mode === 'designation' ? <a href={`${base}/remplacement`}>{v.t('designation.toReplacement')}</a> : <a href={`${base}/designation`}>{v.t('designation.toDesignation')}</a>}
      </p>
      <Form v={v} action={`${base}/${mode}`}>
        <ErrorSummary v={v} errors={form.errors} labels={fieldLabels(v)} />
        <ChoiceGroup
          v={v}
          name="targetKind"
          label={v.t('designation.targetKind')}
          form={form}
          required
          options={(['municipality', 'organism', 'service_point'] as const).map((kind: TargetKind) => ({ value: kind, label: v.t(`designation.targetKind.${kind}`) }))}
        />
        <TextField v={v} name="geographicCode" label={v.t('designation.geographicCode')} hint={v.t('designation.geographicCode.hint')} form={form} inputmode="numeric" />
        <TextField v={v} name="neq" label={v.t('designation.neq')} hint={v.t('designation.neq.hint')} form={form} inputmode="numeric" />
        <SelectField
          v={v}
          name="servicePointId"
          label={v.t('designation.servicePointId')}
          hint={v.t('designation.servicePointId.hint')}
          form={form}
          placeholder={v.t('designation.servicePoint.new')}
          options={points.map((p) => ({ value: p.id, label: `${p.name} — ${p.address}` }))}
        />
        <TextField v={v} name="servicePointName" label={v.t('designation.servicePointName')} form={form} />
        <TextField v={v} name="servicePointAddress" label={v.t('designation.servicePointAddress')} form={form} autocomplete="street-address" />
        <TextField v={v} name="userCode" label={v.t('designation.userCode')} hint={v.t('designation.userCode.hint')} form={form} required />
        <TextField v={v} name="requesterName" label={v.t('designation.requesterName')} form={form} autocomplete="name" required />
        <TextField v={v} name="requesterFunction" label={v.t('designation.requesterFunction')} form={form} autocomplete="organization-title" required />
        {mode === 'remplacement' ? (
          <ChoiceGroup v={v} name="programs" label={v.t('designation.programs')} form={form} multiple required options={programs.map((p) => ({ value: p.code, label: programName(v, p) }))} />
        ) : null}
        <SubmitButton>{v.t('designation.next')}</SubmitButton>
      </Form>
      <MyRequests v={v} mine={mine} />
    </>
  );
}

function MyRequests({ v, mine }: { v: ViewContext; mine: DesignationRequest[] }) {
  return (
    <>
      <h2>{v.t('designation.mine')}</h2>
      {mine.length === 0 ? (
        <p>{v.t('designation.mine.none')}</p>
      ) : (
        <table>
          <caption class="qc-sr-only">{v.t('designation.mine')}</caption>
          <thead>
            <tr>
              <th scope="col">{v.t('designation.col.sent')}</th>
              <th scope="col">{v.t('designation.col.kind')}</th>
              <th scope="col">{v.t('designation.col.state')}</th>
            </tr>
          </thead>
          <tbody>
            {mine.map((d) => (
              <tr key={d.id}>
                <th scope="row">{formatDateTime(v.lang, d.createdAt)}</th>
                <td>{kindLabel(v, d.kind, d.replacement)}</td>
                <td>
                  <span data-state={d.state}>{v.t(`designation.state.${d.state}`)}</span>
                  {d.refusalReason ? (
                    <>
                      <br />
                      {v.t('designation.file.refusalReason', { reason: d.refusalReason })}
                    </>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

export function kindLabel(v: ViewContext, kind: 'local_manager' | 'mandatary_manager', replacement: boolean): string {
  const label = v.t(`designation.kind.${kind}`);
  return replacement ? v.t('designation.kind.replacement', { kind: label }) : label;
}

/** The review step: the names filled in, every value carried in hidden fields to the confirmation. */
/** The rows of a designation both the requester's review and the support desk's file show: what is asked, where, for whom. */
export function DesignationRows({
  v,
  kind,
  replacement,
  programs,
  targetName,
  identifier,
  regionName,
  servicePoint,
  personName,
  personCode,
}: {
  v: ViewContext;
  kind: 'local_manager' | 'mandatary_manager';
  replacement: boolean;
  programs: string;
  targetName: string;
  identifier: string | null;
  regionName: string | null;
  /** The service point's line, for a firm's designation. */
  servicePoint: string;
  personName: string;
  personCode: string;
}) {
  const isFirm = kind === 'mandatary_manager';
  return (
    <>
      <dt>{v.t('designation.col.kind')}</dt>
      <dd>{kindLabel(v, kind, replacement)}</dd>
      <dt>{v.t('designation.file.program')}</dt>
      <dd>{programs}</dd>
      <dt>{v.t(isFirm ? 'designation.review.firm' : 'designation.review.organization')}</dt>
      <dd>
        {targetName} ({identifier})
      </dd>
      {regionName ? (
        <>
          <dt>{v.t('designation.review.region')}</dt>
          <dd>{regionName}</dd>
        </>
      ) : null}
      {isFirm ? (
        <>
          <dt>{v.t('designation.review.servicePoint')}</dt>
          <dd>{servicePoint}</dd>
        </>
      ) : null}
      <dt>{v.t('designation.review.person')}</dt>
      <dd>
        {personName} ({personCode})
      </dd>
    </>
  );
}

export function DesignationReviewPage({
  v,
  mode,
  reviews,
  values,
  holderName,
}: {
  v: ViewContext;
  mode: FormMode;
  reviews: DesignationReview[];
  values: Record<string, string>;
  holderName: string | null;
}) {
  const first = reviews[0];
  if (!first) return null;
  return (
    <>
      <p>{v.t('designation.review.lead')}</p>
      <dl class="summary">
        <DesignationRows
          v={v}
          kind={first.kind}
          replacement={first.replacement}
          programs={reviews.map((r) => programName(v, r.program)).join(', ')}
          targetName={first.targetName}
          identifier={first.geographicCode ?? first.neq}
          regionName={first.regionName}
          servicePoint={
            first.servicePointId
              ? `${first.servicePointName} — ${first.servicePointAddress}`
              : v.t('designation.review.servicePointNew', { name: first.servicePointName, address: first.servicePointAddress })
          }
          personName={first.designated.displayName}
          personCode={first.designated.userCode}
        />
        {holderName ? (
          <>
            <dt>{v.t('designation.review.currentHolder')}</dt>
            <dd>{holderName}</dd>
          </>
        ) : null}
        <dt>{v.t('designation.review.requester')}</dt>
        <dd>{v.t('designation.review.requesterValue', { name: values.requesterName ?? '', function: values.requesterFunction ?? '' })}</dd>
      </dl>
      {first.kind === 'local_manager' && first.organizationId === null && first.geographicCode ? <p>{v.t('designation.review.newOrganization')}</p> : null}
      <Form v={v} action={`/aide/${first.program.code}/${mode}/confirmer`}>
        {Object.entries(values).flatMap(([name, value]) =>
          name === 'programs' ? value.split(',').filter(Boolean).map((code) => <input key={`${name}-${code}`} type="hidden" name={name} value={code} />) : [<input key={name} type="hidden" name={name} value={value} />],
        )}
        <div class="qc-button-group">
          <button type="submit" class="qc-button qc-primary" name="step" value="confirm">
            {v.t('designation.confirm')}
          </button>
          <button type="submit" class="qc-button qc-secondary" name="step" value="modify">
            {v.t('designation.modify')}
          </button>
        </div>
      </Form>
    </>
  );
}

export function NoFunctionPage({ v, program }: { v: ViewContext; program: RegistryProgram }) {
  return (
    <>
      <p>{v.t('designation.noFunction.text')}</p>
      <p>
        <a href={`/aide/${program.code}/designation`}>{v.t('designation.title', { program: programName(v, program) })}</a>
      </p>
    </>
  );
}

export function DeputiesPage({
  v,
  program,
  organization,
  deputies,
  form,
  notice,
}: {
  v: ViewContext;
  program: RegistryProgram;
  organization: OrganizationInfo;
  deputies: FunctionRow[];
  form: FormState;
  notice?: string | undefined;
}) {
  const base = `/aide/${program.code}/adjoints`;
  return (
    <>
      {notice ? (
        <Notice v={v} kind="success">
          <p>{notice}</p>
        </Notice>
      ) : null}
      <p>{v.t('designation.deputies.lead', { name: organization.name })}</p>
      {deputies.length === 0 ? (
        <p>{v.t('designation.deputies.none')}</p>
      ) : (
        <table>
          <caption>{v.t('designation.deputies.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{v.t('designation.deputies.col.person')}</th>
              <th scope="col">{v.t('designation.deputies.col.namedBy')}</th>
              <th scope="col">{v.t('designation.deputies.col.since')}</th>
              <th scope="col">{v.t('designation.deputies.col.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {deputies.map((d) => (
              <tr key={d.id}>
                <th scope="row">
                  {d.displayName} ({d.userCode})
                </th>
                <td>{d.namedByName}</td>
                <td>{formatLongDate(v.lang, d.createdAt)}</td>
                <td>
                  <a href={`${base}/${d.id}/retirer`} aria-label={v.t('designation.deputies.removeLabel', { name: d.displayName })}>
                    {v.t('designation.deputies.remove')}
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>{v.t('designation.deputies.add')}</h2>
      <Form v={v} action={base}>
        <ErrorSummary v={v} errors={form.errors} labels={{ userCode: v.t('designation.deputies.userCode') }} />
        <TextField v={v} name="userCode" label={v.t('designation.deputies.userCode')} hint={v.t('designation.userCode.hint')} form={form} required />
        <SubmitButton>{v.t('designation.deputies.add')}</SubmitButton>
      </Form>
    </>
  );
}

export function RemoveDeputyPage({ v, program, organization, deputy }: { v: ViewContext; program: RegistryProgram; organization: OrganizationInfo; deputy: FunctionRow }) {
  const base = `/aide/${program.code}/adjoints`;
  return (
    <>
      <p>{v.t('designation.deputies.confirm.text', { name: deputy.displayName, code: deputy.userCode, organization: organization.name })}</p>
      <Form v={v} action={`${base}/${deputy.id}/retirer`}>
        <SubmitButton kind="danger">{v.t('designation.deputies.confirm.button')}</SubmitButton>
      </Form>
      <p>
        <a href={base}>{v.t('designation.deputies.cancel')}</a>
      </p>
    </>
  );
}
