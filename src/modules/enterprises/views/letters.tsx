import type { ViewContext } from '../../../platform/http/render.js';
import { formatDateTime } from '../../../platform/i18n/format.js';
import type { Letter } from '../service.js';

export function LettersPage({ v, letters }: { v: ViewContext; letters: Letter[] }) {
  if (letters.length === 0) return <p>{v.t('letters.none')}</p>;
  return (
    <>
      <p>{v.t('letters.intro')}</p>
      {letters.map((letter) => (
        <article class="letter" key={letter.id} aria-labelledby={`letter-${letter.id}`}>
          <h2 id={`letter-${letter.id}`}>{v.t('letters.invitation.subject', { name: letter.content.legalName })}</h2>
          <dl class="summary">
            <dt>{v.t('letters.sentAt')}</dt>
            <dd>{formatDateTime(v.lang, letter.sentAt)}</dd>
            <dt>{v.t('letters.addressee')}</dt>
            <dd>{letter.addressee}</dd>
            <dt>{v.t('letters.address')}</dt>
            <dd>{letter.address}</dd>
          </dl>
          <p>{v.t('letters.invitation.body', { rqId: letter.content.rqId, expiresOn: letter.content.expiresOn })}</p>
          <p class="invitation-code">
            {v.t('letters.invitation.code')} <strong data-invitation-number>{letter.content.code}</strong>
          </p>
        </article>
      ))}
    </>
  );
}
