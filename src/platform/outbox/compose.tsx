import { renderToString } from 'preact-render-to-string';
import { translate, type Lang, type MessageKey, type Params } from '../i18n/index.js';
import type { Mail } from './service.js';

/**
 * A mail in the recipient's language, as text and HTML, from catalogue keys: the subject, the
 * paragraphs, and an optional link. HTML is rendered with escaping like every page.
 */
export function composeMail(
  lang: Lang,
  to: string,
  content: { subject: MessageKey; paragraphs: MessageKey[]; link?: { label: MessageKey; url: string } },
  params: Params = {},
): Mail {
  const t = (key: MessageKey) => translate(lang, key, params);
  const paragraphs = content.paragraphs.map(t);
  const signature = t('mail.signature');
  const text = [
    ...paragraphs,
    ...(content.link ? [`${t(content.link.label)} : ${content.link.url}`] : []),
    '--',
    signature,
  ].join('\n\n');
  const html = renderToString(
    <html lang={lang}>
      <body>
        {paragraphs.map((p) => (
          <p>{p}</p>
        ))}
        {content.link ? (
          <p>
            <a href={content.link.url}>{t(content.link.label)}</a>
          </p>
        ) : null}
        <p>{signature}</p>
      </body>
    </html>,
  );
  return { to, language: lang, subject: t(content.subject), text, html };
}
