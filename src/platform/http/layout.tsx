import type { ComponentChildren } from 'preact';
import type { ViewContext } from './render.js';

export type Crumb = { href: string; label: string };

function accountLinks(v: ViewContext) {
  if (v.actor.type !== 'account') {
    return (
      <li>
        <a href="/connexion">{v.t('nav.signIn')}</a>
      </li>
    );
  }
  return (
    <>
      <li>
        <a href="/compte">{v.t('nav.account', { name: v.actor.displayName })}</a>
      </li>
      <li>
        <form method="post" action="/deconnexion" class="inline-form">
          <input type="hidden" name="_csrf" value={v.csrf} />
          <button type="submit" class="link-button">
            {v.t('nav.signOut')}
          </button>
        </form>
      </li>
    </>
  );
}

function Header({ v }: { v: ViewContext }) {
  const other = v.lang === 'fr' ? 'en' : 'fr';
  const title = <a class="page-title" href="/">{v.t('site.name')}</a>;
  return (
    <qc-piv-header>
      <div role="banner" class="qc-piv-header qc-component">
        <div class="qc-container">
          <div class="go-to-content">
            <a href="#main">{v.t('nav.skip')}</a>
          </div>
          <div class="piv-top">
            <div class="signature-group">
              <div class="logo">
                <a href={v.lang === 'fr' ? 'https://www.quebec.ca/' : 'https://www.quebec.ca/en'} rel="noreferrer">
                  <img src="/static/sdg/img/QUEBEC_blanc.svg" alt={v.t('site.logoAlt')} width={200} height={40} />
                </a>
              </div>
              <div class="title">{title}</div>
            </div>
            <div class="right-section">
              <div class="links">
                <nav aria-label={v.t('nav.piv')}>
                  <ul class="piv-links">
                    <li>
                      <a href={`/langue?l=${other}&retour=${encodeURIComponent(v.path)}`} lang={other}>
                        {v.t('nav.otherLanguage')}
                      </a>
                    </li>
                    {accountLinks(v)}
                  </ul>
                </nav>
              </div>
            </div>
          </div>
          <div class="title">{title}</div>
          <div class="piv-bottom" />
        </div>
      </div>
    </qc-piv-header>
  );
}

function Breadcrumbs({ v, crumbs, title }: { v: ViewContext; crumbs: Crumb[]; title: string }) {
  if (v.path === '/') return null;
  return (
    <nav aria-label={v.t('nav.breadcrumbs')} class="breadcrumbs">
      <ol>
        <li>
          <a href="/">{v.t('nav.home')}</a>
        </li>
        {crumbs.map((crumb) => (
          <li key={crumb.href}>
            <a href={crumb.href}>{crumb.label}</a>
          </li>
        ))}
        <li aria-current="page">{title}</li>
      </ol>
    </nav>
  );
}

function Footer({ v }: { v: ViewContext }) {
  return (
    <qc-piv-footer>
      <div class="qc-piv-footer qc-container-fluid">
        <nav aria-label={v.t('nav.footer')}>
          <ul>
            <li>
              <a href="/accessibilite">{v.t('footer.accessibility')}</a>
            </li>
            <li>
              <a href="/confidentialite">{v.t('footer.privacy')}</a>
            </li>
            {v.showDevMailbox ? (
              <li>
                <a href="/dev/courriels">{v.t('mailbox.title')}</a>
              </li>
            ) : null}
          </ul>
        </nav>
        <a href={v.lang === 'fr' ? 'https://www.quebec.ca/' : 'https://www.quebec.ca/en'} class="logo">
          <img src="/static/sdg/img/QUEBEC_couleur.svg" alt={v.t('site.logoAlt')} width={139} height={28} />
        </a>
        <span class="copyright">
          <a href={v.lang === 'fr' ? 'https://www.quebec.ca/droit-auteur' : 'https://www.quebec.ca/en/copyright'}>
            {v.t('footer.copyright', { year: new Date().getFullYear() })}
          </a>
        </span>
      </div>
    </qc-piv-footer>
  );
}

export function Layout({ v, title, breadcrumbs, children }: { v: ViewContext; title: string; breadcrumbs: Crumb[]; children: ComponentChildren }) {
  return (
    <html lang={v.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} | ${v.t('site.name')}`}</title>
        <link rel="stylesheet" href="/static/sdg/css/qc-sdg.min.css" />
        <link rel="stylesheet" href="/static/app.css" />
        <script src="/static/app.js" defer />
      </head>
      <body>
        <Header v={v} />
        <div class="qc-container page">
          <Breadcrumbs v={v} crumbs={breadcrumbs} title={title} />
          <main id="main" tabindex={-1}>
            <h1>{title}</h1>
            {children}
          </main>
        </div>
        <Footer v={v} />
      </body>
    </html>
  );
}
