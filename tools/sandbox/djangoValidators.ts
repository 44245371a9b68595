/**
 * Django's `EmailValidator` and `URLValidator` (Django 4.x/5.x text), which DRF's `EmailField` and
 * `URLField` append to a `CharField`. Both answer true when the value passes.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { domainToASCII } from 'node:url';

const USER = /^(?:[-!#$%&'*+/=?^_`{}|~0-9A-Z]+(?:\.[-!#$%&'*+/=?^_`{}|~0-9A-Z]+)*$|^"(?:[\x01-\x08\x0b\x0c\x0e-\x1f!#-\[\]-\x7f]|\\[\x01-\x09\x0b\x0c\x0e-\x7f])*"$)/iu;
const DOMAIN = /^(?:[A-Z0-9](?:[A-Z0-9-]{0,61}[A-Z0-9])?\.)+(?:[A-Z0-9-]{2,63}(?<!-))$/iu;
const LITERAL = /^\[([A-F0-9:.]+)\]$/i;

function validDomainPart(domain: string): boolean {
  if (DOMAIN.test(domain)) return true;
  const literal = LITERAL.exec(domain);
  return literal !== null && (isIPv4(literal[1]!) || isIPv6(literal[1]!));
}

/** Django's `EmailValidator()` (message "Enter a valid email address."). */
export function isValidEmail(value: string): boolean {
  if (!value || !value.includes('@') || [...value].length > 320) return false;
  const at = value.lastIndexOf('@');
  const user = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (!USER.test(user)) return false;
  if (domain === 'localhost' || validDomainPart(domain)) return true;
  const ascii = domainToASCII(domain);
  return ascii !== '' && ascii !== domain && validDomainPart(ascii);
}

const UL = '\u00a1-\uffff';
const IPV4 = String.raw`(?:0|25[0-5]|2[0-4][0-9]|1[0-9]?[0-9]?|[1-9][0-9]?)(?:\.(?:0|25[0-5]|2[0-4][0-9]|1[0-9]?[0-9]?|[1-9][0-9]?)){3}`;
const IPV6 = String.raw`\[[0-9a-f:.]+\]`;
const HOSTNAME = `[a-z${UL}0-9](?:[a-z${UL}0-9-]{0,61}[a-z${UL}0-9])?`;
const DOMAIN_RE = `(?:\\.(?!-)[a-z${UL}0-9-]{1,63}(?<!-))*`;
const TLD = `\\.(?!-)(?:[a-z${UL}-]{2,63}|xn--[a-z0-9]{1,59})(?<!-)\\.?`;
const HOST = `(?:${HOSTNAME}${DOMAIN_RE}${TLD}|localhost)`;
const URL_RE = new RegExp(String.raw`^(?:[a-z0-9.+-]*)://(?:[^\s:@/]+(?::[^\s:@/]*)?@)?(?:${IPV4}|${IPV6}|${HOST})(?::[0-9]{1,5})?(?:[/?#][^\s]*)?$`, 'iu');
const SCHEMES = ['http', 'https', 'ftp', 'ftps'];

function splitNetloc(value: string): { scheme: string; netloc: string; rest: string } {
  const scheme = value.slice(0, value.indexOf('://'));
  const afterScheme = value.slice(scheme.length + 3);
  const end = afterScheme.search(/[/?#]/);
  const netloc = end < 0 ? afterScheme : afterScheme.slice(0, end);
  return { scheme, netloc, rest: end < 0 ? '' : afterScheme.slice(end) };
}

function hostnameOf(netloc: string): string | null {
  const host = netloc.slice(netloc.lastIndexOf('@') + 1);
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    return close < 0 ? null : host.slice(1, close).toLowerCase();
  }
  const colon = host.indexOf(':');
  const name = colon < 0 ? host : host.slice(0, colon);
  return name === '' ? null : name.toLowerCase();
}

/** Django's `URLValidator()` (message "Enter a valid URL."). */
export function isValidUrl(value: string): boolean {
  if ([...value].length > 2048) return false;
  if (/[\t\r\n]/.test(value)) return false;
  if (!SCHEMES.includes(value.split('://')[0]!.toLowerCase())) return false;
  if (!value.includes('://')) return false;
  const { scheme, netloc, rest } = splitNetloc(value);
  if (!URL_RE.test(value)) {
    const ascii = domainToASCII(netloc.slice(netloc.lastIndexOf('@') + 1).replace(/:\d+$/, ''));
    if (ascii === '') return false;
    const userinfo = netloc.includes('@') ? netloc.slice(0, netloc.lastIndexOf('@') + 1) : '';
    const port = /:\d+$/.exec(netloc)?.[0] ?? '';
    if (!URL_RE.test(`${scheme}://${userinfo}${ascii}${port}${rest}`)) return false;
  } else {
    const v6 = /^\[(.+)\](?::[0-9]{1,5})?$/.exec(netloc.slice(netloc.lastIndexOf('@') + 1));
    if (v6 && !isIPv6(v6[1]!)) return false;
  }
  const host = hostnameOf(netloc);
  return host !== null && host.length <= 253;
}
