import type { Lang } from '../../platform/i18n/index.js';
import { composeMail } from '../../platform/outbox/compose.js';
import type { Mail } from '../../platform/outbox/service.js';

const templates = {
  verifyEmail: { subject: 'mail.verifyEmail.subject', paragraphs: ['mail.verifyEmail.body'], link: 'mail.verifyEmail.link' },
  alreadyRegistered: { subject: 'mail.alreadyRegistered.subject', paragraphs: ['mail.alreadyRegistered.body'], link: 'mail.alreadyRegistered.link' },
  resetPassword: { subject: 'mail.resetPassword.subject', paragraphs: ['mail.resetPassword.body', 'mail.resetPassword.ignore'], link: 'mail.resetPassword.link' },
  passwordChanged: { subject: 'mail.passwordChanged.subject', paragraphs: ['mail.passwordChanged.body'], link: 'mail.passwordChanged.link' },
  mfaEnabled: { subject: 'mail.mfaEnabled.subject', paragraphs: ['mail.mfaEnabled.body'], link: 'mail.mfaEnabled.link' },
} as const;

export function accountMail(lang: Lang, to: string, kind: keyof typeof templates, params: { url: string; minutes?: number }): Mail {
  const template = templates[kind];
  return composeMail(
    lang,
    to,
    { subject: template.subject, paragraphs: [...template.paragraphs], link: { label: template.link, url: params.url } },
    { minutes: params.minutes ?? 0 },
  );
}
