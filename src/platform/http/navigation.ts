export const LANG_COOKIE_NAME = 'guichet_langue';

/** Only a path of this site: never an open redirect to another host. */
export function safeReturnPath(value: string | undefined): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  return value;
}
