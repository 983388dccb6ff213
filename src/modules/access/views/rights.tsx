import { Form, Notice, SubmitButton } from '../../../platform/http/components.js';
import type { ViewContext } from '../../../platform/http/render.js';
import { eservices, rightKey } from '../catalogue.js';
import { grantKey, type OwnRights, type RightsMatrix } from '../service.js';

export function RightsPage({ v, matrix, notice }: { v: ViewContext; matrix: RightsMatrix; notice?: string }) {
  const groups = eservices.map((eservice) => ({ eservice, rights: matrix.rights.filter((r) => r.eservice === eservice) })).filter((g) => g.rights.length > 0);
  return (
    <>
      {notice ? <Notice v={v} kind="success">{notice}</Notice> : null}
      <p>
        <a href="/entreprise/utilisateurs">{v.t('rights.usersLink')}</a> · <a href="/entreprise/services-en-ligne">{v.t('rights.enrolLink')}</a>
      </p>
      {groups.length === 0 ? (
        <p>{v.t('rights.none')}</p>
      ) : (
        <>
          <p>{v.t('rights.intro')}</p>
          <Form v={v} action="/entreprise/droits">
            <table class="rights-matrix">
              <caption>{v.t('rights.caption')}</caption>
              <thead>
                <tr>
                  <td />
                  {groups.map((g) => (
                    <th scope="colgroup" colSpan={g.rights.length} key={g.eservice}>
                      {v.t(`eservices.eservice.${g.eservice}`)}
                    </th>
                  ))}
                </tr>
                <tr>
                  <th scope="col">{v.t('rights.user')}</th>
                  {groups.flatMap((g) =>
                    g.rights.map((r) => (
                      <th scope="col" key={rightKey(r)}>
                        {v.t(`rights.right.${r.right}`)}
                      </th>
                    )),
                  )}
                </tr>
              </thead>
              <tbody>
                {matrix.members.map((m) => (
                  <tr key={m.accountId}>
                    <th scope="row">
                      {m.displayName}
                      <br />
                      <small>
                        {m.userCode} — {v.t(m.role === 'rse' ? 'members.role.rse' : 'members.role.user')}
                      </small>
                      <input type="hidden" name="membres" value={m.accountId} />
                    </th>
                    {groups.flatMap((g) =>
                      g.rights.map((r) => (
                        <td key={rightKey(r)}>
                          <input
                            type="checkbox"
                            class="qc-choicefield"
                            name={`u_${m.accountId}`}
                            value={rightKey(r)}
                            checked={matrix.granted.has(grantKey(m.accountId, r))}
                            aria-label={v.t('rights.checkbox', { right: v.t(`rights.right.${r.right}`), eservice: v.t(`eservices.eservice.${r.eservice}`), name: m.displayName })}
                          />
                        </td>
                      )),
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
            <SubmitButton>{v.t('rights.save')}</SubmitButton>
          </Form>
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
