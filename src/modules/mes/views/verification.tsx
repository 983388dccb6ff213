import { ErrorSummary, Form, Notice, TextField, type FormState } from '../../../platform/http/components.js';
import type { ViewContext } from '../../../platform/http/render.js';
import type { ReceivabilityItem } from '../../requests/service.js';
import type { MesRequestPage } from '../service.js';
import { CommentBar, type PlacedComment } from './comments.js';
import { longDay } from './frame.js';
import { RequestHeading } from './request-parts.js';
import { stepHref, StepList } from './steps.js';

function Check({ v, ok }: { v: ViewContext; ok: boolean }) {
  return (
    <span class={ok ? 'mes-ok' : 'mes-missing'}>
      <span aria-hidden="true">{ok ? '✓' : '✗'}</span>
      <span class="qc-sr-only">{v.t(ok ? 'mes.check.ok' : 'mes.check.missing')}</span>
    </span>
  );
}

function itemLabel(v: ViewContext, page: MesRequestPage, item: ReceivabilityItem): string {
  if (item.key === 'documents') {
    const type = page.view.definition.documentTypes.find((d) => d.id === item.detail);
    return type ? v.t(type.label) : v.t('mes.check.documents');
  }
  return v.t(`mes.check.${item.key}`);
}

function fixHref(page: MesRequestPage, item: ReceivabilityItem, placed: PlacedComment[]): string {
  const id = page.view.request.id;
  if (item.key === 'fields') return stepHref(id, 'support');
  if (item.key === 'documents') return `${stepHref(id, 'documents')}#fichier-${item.detail ?? ''}`;
  if (item.key === 'comments') return placed.find((p) => p.comment.correctedAt === null)?.href ?? stepHref(id, 'support');
  return '#signature';
}

/** The seed's « Analyse de recevabilité »: Formulaire, then Documents, each ✓ or ✗ with a link to fix it. */
function Receivability({ v, page, items, placed }: { v: ViewContext; page: MesRequestPage; items: ReceivabilityItem[]; placed: PlacedComment[] }) {
  const form = items.filter((i) => i.key === 'fields' || i.key === 'comments');
  const documents = items.filter((i) => i.key === 'documents' || i.key === 'signature');
  const group = (title: string, list: ReceivabilityItem[]) => (
    <>
      <h3>{title}</h3>
      <ul class="mes-checklist">
        {list.map((item) => (
          <li key={`${item.key}-${item.detail ?? ''}`}>
            <Check v={v} ok={item.ok} /> {itemLabel(v, page, item)}
            {item.ok ? null : (
              <>
                {' — '}
                <a href={fixHref(page, item, placed)}>{v.t('mes.check.fix')}</a>
              </>
            )}
          </li>
        ))}
      </ul>
    </>
  );
  return (
    <section aria-labelledby="recevabilite">
      <h2 id="recevabilite">{v.t('mes.check.title')}</h2>
      {group(v.t('mes.check.form'), form)}
      {group(v.t('mes.check.documentsTitle'), documents)}
    </section>
  );
}

function SignatureSection({ v, page, form }: { v: ViewContext; page: MesRequestPage; form: FormState }) {
  const id = page.view.request.id;
  const signature = page.view.signature;
  if (!page.permitted.sign) {
    return (
      <section aria-labelledby="signature" id="signature">
        <h2>{v.t('mes.sign.title')}</h2>
        <Notice v={v} kind="information">
          <p>{v.t('mes.sign.noRight')}</p>
        </Notice>
      </section>
    );
  }
  const labels = { firstName: v.t('mes.sign.firstName'), lastName: v.t('mes.sign.lastName'), function: v.t('mes.sign.function'), attested: v.t('mes.sign.attestation') };
  const attestError = form.errors.attested;
  return (
    <section aria-labelledby="signature-titre" id="signature" tabindex={-1}>
      <h2 id="signature-titre">{v.t('mes.sign.title')}</h2>
      {signature ? (
        <p role="status">{v.t('mes.sign.done', { name: `${signature.firstName} ${signature.lastName}`, function: signature.function, date: longDay(v, signature.signedAt) })}</p>
      ) : null}
      <ErrorSummary v={v} errors={form.errors} labels={labels} />
      <Form v={v} action={`/entreprise/mes/demandes/${id}/signer`}>
        <TextField v={v} name="firstName" label={labels.firstName} form={form} required autocomplete="given-name" />
        <TextField v={v} name="lastName" label={labels.lastName} form={form} required autocomplete="family-name" />
        <TextField v={v} name="function" label={labels.function} form={form} required autocomplete="organization-title" />
        <div class={attestError ? 'qc-fieldset-invalid' : undefined}>
          <fieldset class="qc-fieldset" aria-describedby={attestError ? 'attested-error' : undefined}>
            <legend>
              <span class="qc-label-text">{v.t('mes.sign.attestationLegend')}</span>
            </legend>
            {attestError ? (
              <div class="qc-form-error" id="attested-error">
                <span>{v.t(attestError)}</span>
              </div>
            ) : null}
            <label class="qc-choicefield-label">
              <input type="checkbox" class="qc-choicefield" id="attested" name="attested" value="oui" checked={form.values.attested === 'oui'} />
              <span>{labels.attested}</span>
            </label>
          </fieldset>
        </div>
        <div class="qc-button-group">
          <button type="submit" class="qc-button qc-primary">
            {v.t('mes.sign.submit')}
          </button>
        </div>
      </Form>
    </section>
  );
}

/** « Vérification »: receivability, the director's signature (only with the right to sign), then Transmettre. */
export function VerificationStep({ v, page, items, placed, signForm, notice }: { v: ViewContext; page: MesRequestPage; items: ReceivabilityItem[]; placed: PlacedComment[]; signForm: FormState; notice?: string }) {
  const id = page.view.request.id;
  const receivable = items.every((i) => i.ok);
  return (
    <>
      <StepList v={v} steps={page.view.definition.steps} current="verification" requestId={id} />
      <RequestHeading v={v} page={page} />
      <CommentBar v={v} placed={placed} />
      {notice ? (
        <Notice v={v} kind="success">
          <p>{notice}</p>
        </Notice>
      ) : null}
      <Receivability v={v} page={page} items={items} placed={placed} />
      <SignatureSection v={v} page={page} form={signForm} />
      <section aria-labelledby="transmettre">
        <h2 id="transmettre">{v.t('mes.transmit.title')}</h2>
        {!page.permitted.sign ? (
          <p>{v.t('mes.transmit.noRight')}</p>
        ) : receivable ? (
          <p>
            <a href={`/entreprise/mes/demandes/${id}/transmettre`} class="qc-button qc-primary">
              {v.t('mes.transmit.submit')}
            </a>
          </p>
        ) : (
          <p>{v.t('mes.transmit.notYet')}</p>
        )}
      </section>
      <div class="qc-button-group">
        <a href={stepHref(id, 'documents')} class="qc-button qc-secondary">
          {v.t('mes.previous')}
        </a>
      </div>
    </>
  );
}

/** The confirmation before transmission: what it means (read-only afterwards, the directorate notified). */
export function TransmitConfirmPage({ v, page }: { v: ViewContext; page: MesRequestPage }) {
  const id = page.view.request.id;
  return (
    <>
      <RequestHeading v={v} page={page} />
      <p>{v.t('mes.transmit.confirm')}</p>
      <ul>
        <li>{v.t('mes.transmit.readOnly')}</li>
        <li>{v.t('mes.transmit.notified')}</li>
      </ul>
      <Form v={v} action={`/entreprise/mes/demandes/${id}/transmettre`}>
        <input type="hidden" name="confirm" value="oui" />
        <div class="qc-button-group">
          <a href={stepHref(id, 'verification')} class="qc-button qc-secondary">
            {v.t('mes.cancel')}
          </a>
          <button type="submit" class="qc-button qc-primary">
            {v.t('mes.transmit.submit')}
          </button>
        </div>
      </Form>
    </>
  );
}

/** After transmission: what happens next. */
export function TransmittedPage({ v, page }: { v: ViewContext; page: MesRequestPage }) {
  const id = page.view.request.id;
  return (
    <>
      <Notice v={v} kind="success" title={v.t('mes.transmitted.title', { number: page.view.request.number })}>
        <p>{v.t('mes.transmitted.state')}</p>
      </Notice>
      <h2>{v.t('mes.transmitted.next')}</h2>
      <ul>
        <li>{v.t('mes.transmitted.notified')}</li>
        <li>{v.t('mes.transmitted.readOnly')}</li>
        <li>{v.t('mes.transmitted.comments')}</li>
      </ul>
      <p>
        <a href={`/entreprise/mes/demandes/${id}`}>{v.t('mes.transmitted.detail')}</a>
      </p>
      <p>
        <a href="/entreprise/mes/listes/en-cours">{v.t('mes.menu.inProgress')}</a>
      </p>
    </>
  );
}
