/**
 * Client software: device kinds, the user agents they send and the OAuth client ids they use.
 * A device's user agent is fixed by (kind, variant) so it stays stable across its sessions.
 */

/** Device kinds a customer may own. */
export const DeviceKind = { Ios: 0, Android: 1, DesktopChrome: 2, MacSafari: 3, MobileWeb: 4 } as const;

const IOS = [
  'ShopApp/7.1.2 (iOS 17.5; iPhone15,2)',
  'ShopApp/7.1.2 (iOS 17.6; iPhone14,5)',
  'ShopApp/7.0.9 (iOS 16.7; iPhone12,1)',
  'ShopApp/7.1.0 (iOS 18.0; iPhone16,1)',
];
const ANDROID = [
  'ShopApp/7.1.2 (Android 14; SM-S918N)',
  'ShopApp/7.1.2 (Android 13; SM-A536N)',
  'ShopApp/7.0.9 (Android 12; SM-G991N)',
  'ShopApp/7.1.1 (Android 14; Pixel 8)',
];
const CHROME = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36 Edg/125.0.0.0',
];
const SAFARI = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
];
const MOBILE_WEB = [
  'Mozilla/5.0 (Linux; Android 14; SM-S918N) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
];
const BY_KIND: readonly (readonly string[])[] = [IOS, ANDROID, CHROME, SAFARI, MOBILE_WEB];
const CLIENT: readonly string[] = ['ios', 'android', 'web', 'web', 'mweb'];

/** The user agent of a device of `kind`; `variant` is any stable number. */
export function userAgent(kind: number, variant: number): string {
  const list = BY_KIND[kind] ?? IOS;
  return list[variant % list.length] ?? '';
}

/** OAuth client id of a device kind. */
export function clientId(kind: number): string {
  return CLIENT[kind] ?? 'web';
}

/** True for the native apps (which reuse refresh tokens and often ride carrier NAT). */
export function isApp(kind: number): boolean {
  return kind === DeviceKind.Ios || kind === DeviceKind.Android;
}

/** True for any phone (app or mobile browser). */
export function isPhone(kind: number): boolean {
  return kind !== DeviceKind.DesktopChrome && kind !== DeviceKind.MacSafari;
}

/** The support console's browser. */
export const CONSOLE_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 CSConsole/3.4.1';

/** A script's user agent, as credential stuffers often send. */
export const SCRIPT_UAS: readonly string[] = ['okhttp/4.12.0', 'ShopApp/7.1.2 (Android 14; SM-S918N)', 'python-requests/2.31.0'];
