import { Form, Notice, Pager, SubmitButton } from '../../../platform/http/components.js';
import type { ViewContext } from '../../../platform/http/render.js';
import type { Member } from '../../enterprises/members.js';
import { eservices, rightKey, type Eservice, type RightRef } from '../catalogue.js';
import { grantKey, RIGHTS_PAGE_SIZE, type OwnRights, type RightsMatrix } from '../service.js';

/** The matrix of one e-service, at one page of users. */
export function rightsPageHref(eservice: Eservice, page: number): string {
  return `/entreprise/droits?service=${eservice}${page > 1 ? `&page=${page}` : ''}`;
}

/** A right's labels, translated once per page rather than once per box. */
type RightColumn = { ref: RightRef; key: string; label: string; eserviceLabel: string };

function EserviceTabs({ v, matrix }: { v: ViewContext; matrix: RightsMatrix }) {
  if (matrix.eservices.length < 2) return null;
  return (
    <nav aria-label={v.t('rights.services')}>
      <ul class="rights-tabs">
        {matrix.eservices.map((e) => (
          <li key={e}>
            {e === matrix.eservice ? (
              <a href={rightsPageHref(e, 1)} aria-current="page">
                <strong>{v.t(`eservices.eservice.${e}`)}</strong>
              </a>
            ) : (
              <a href={rightsPageHref(e, 1)}>{v.t(`eservices.eservice.${e}`)}</a>
            )}
          </li>
        ))}
      </ul>
    </nav>
  );
}

function UserPages({ v, matrix, eservice }: { v: ViewContext; matrix: RightsMatrix; eservice: Eservice }) {
  const previous = matrix.page > 1 ? { href: rightsPageHref(eservice, matrix.page - 1), label: v.t('rights.previous') } : null;
  const next = matrix.page < matrix.pageCount ? { href: rightsPageHref(eservice, matrix.page + 1), label: v.t('rights.next') } : null;
  return <Pager label={v.t('rights.pages')} previous={previous} next={next} />;
}

function MemberRow({ v, member, columns, granted, roleLabels }: { v: ViewContext; member: Member; columns: RightColumn[]; granted: Set<string>; roleLabels: Record<Member['role'], string> }) {
  const boxName = `u_${member.accountId}`;
  return (
    <tr>
      <th scope="row">
        {member.displayName}
        <br />
        <small>
          {member.userCode} — {roleLabels[member.role]}
        </small>
        <input type="hidden" name="membres" value={member.accountId} />
      </th>
      {columns.map((c) => (
        <td key={c.key}>
          <input
            type="checkbox"
            class="qc-choicefield"
            name={boxName}
            value={c.key}
            checked={granted.has(grantKey(member.accountId, c.ref))}
            aria-label={v.t('rights.checkbox', { right: c.label, eservice: c.eserviceLabel, name: member.displayName })}
          />
        </td>
      ))}
    </tr>
  );
}

function Matrix({ v, matrix, eservice }: { v: ViewContext; matrix: RightsMatrix; eservice: Eservice }) {
  const eserviceLabel = v.t(`eservices.eservice.${eservice}`);
  const columns = matrix.rights.map((ref) => ({ ref, key: rightKey(ref), label: v.t(`rights.right.${ref.right}`), eserviceLabel }));
  const roleLabels = { rse: v.t('members.role.rse'), user: v.t('members.role.user') };
  const first = (matrix.page - 1) * RIGHTS_PAGE_SIZE + 1;
  return (
    <>
      <h2>{eserviceLabel}</h2>
      <p role="status">{v.t('rights.shown', { from: first, to: first + matrix.members.length - 1, total: matrix.memberCount })}</p>
      <Form v={v} action="/entreprise/droits">
        <input type="hidden" name="service" value={eservice} />
        <input type="hidden" name="page" value={String(matrix.page)} />
        <table class="rights-matrix">
          <caption>{v.t('rights.caption', { eservice: eserviceLabel })}</caption>
          <thead>
            <tr>
              <th scope="col">{v.t('rights.user')}</th>
              {columns.map((c) => (
                <th scope="col" key={c.key}>
                  {c.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {matrix.members.map((m) => (
              <MemberRow key={m.accountId} v={v} member={m} columns={columns} granted={matrix.granted} roleLabels={roleLabels} />
            ))}
          </tbody>
        </table>
        <SubmitButton>{v.t('rights.save')}</SubmitButton>
      </Form>
      <UserPages v={v} matrix={matrix} eservice={eservice} />
    </>
  );
}

/**
 * One e-service and one page of users at a time: the form lists the users it shows, and saving
 * touches only their rights in that e-service.
 */
export function RightsPage({ v, matrix, notice }: { v: ViewContext; matrix: RightsMatrix; notice?: string | undefined }) {
  return (
    <>
      {notice ? <Notice v={v} kind="success">{notice}</Notice> : null}
      <p>
        <a href="/entreprise/utilisateurs">{v.t('rights.usersLink')}</a> · <a href="/entreprise/services-en-ligne">{v.t('rights.enrolLink')}</a>
      </p>
      {matrix.eservice === null ? (
        <p>{v.t('rights.none')}</p>
      ) : (
        <>
          <p>{v.t('rights.intro')}</p>
          <p>{v.t('rights.pageNote')}</p>
          <EserviceTabs v={v} matrix={matrix} />
          <Matrix v={v} matrix={matrix} eservice={matrix.eservice} />
        </>
      )}
    </>
  );
}

export function MyRightsPage({ v, own, notice }: { v: ViewContext; own: OwnRights; notice?: string }) {
  const held = eservices.map((eservice) => ({ eservice, rights: own.rights.filter((r) => r.eservice === eservice) })).filter((g) => g.rights.length > 0);
  return (
    <>
      {notice ? <Notice v={v} kind="success">{notice}</Notice> : null}
      {own.role === 'rse' ? (
        <p>
          {v.t('rights.mine.rse')} <a href="/entreprise/utilisateurs">{v.t('rights.mine.rseLinks')}</a>
        </p>
      ) : null}
      <p>{v.t('rights.mine.intro')}</p>
      {held.length === 0 ? (
        <p>{v.t('rights.mine.none')}</p>
      ) : (
        held.map((g) => (
          <section key={g.eservice} aria-labelledby={`eservice-${g.eservice}`}>
            <h2 id={`eservice-${g.eservice}`}>{v.t(`eservices.eservice.${g.eservice}`)}</h2>
            <ul>
              {g.rights.map((r) => (
                <li key={r.right} data-right={rightKey(r)}>
                  {v.t(`rights.right.${r.right}`)}
                </li>
              ))}
            </ul>
          </section>
        ))
      )}
    </>
  );
}
