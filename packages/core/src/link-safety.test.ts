import { describe, expect, it } from 'vitest';
import { checkLink, isPrivateHost, UnsafeLinkError } from './link-safety.js';

const host = (url: string) => new URL(url).hostname;

describe('isPrivateHost', () => {
  it.each([
    'http://localhost/',
    'http://api.localhost/',
    'http://127.0.0.1/',
    'http://127.1/', // the URL parser makes it 127.0.0.1
    'http://0x7f.0.0.1/',
    'http://2130706433/',
    'http://0.0.0.0/',
    'http://10.1.2.3/',
    'http://172.16.0.1/',
    'http://172.31.255.255/',
    'http://192.168.1.1/',
    'http://169.254.169.254/latest/meta-data/',
    'http://100.64.0.1/',
    'http://[::1]/',
    'http://[::]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:a9fe:a9fe]/',
    'http://[64:ff9b::a9fe:a9fe]/',
    'http://[fd00::1]/',
    'http://[fe80::1]/',
    'http://localhost./',
  ])('%s is private', (url) => {
    expect(isPrivateHost(host(url))).toBe(true);
  });

  it.each([
    'https://cdn.example.com/v.mp4',
    'http://8.8.8.8/',
    'http://172.32.0.1/',
    'http://192.169.0.1/',
    'http://[2606:4700::1111]/',
    'http://localhost.example.com/',
  ])('%s is public', (url) => {
    expect(isPrivateHost(host(url))).toBe(false);
  });
});

describe('checkLink', () => {
  const publicApi = 'https://api.gpt.ge';

  it('follows a public https link from a public API', () => {
    expect(checkLink('https://cdn.example.com/a.mp4?sig=1', publicApi).href).toBe(
      'https://cdn.example.com/a.mp4?sig=1',
    );
  });

  it('refuses a downgrade: a plain http link from an https API (an http API may give one)', () => {
    expect(() => checkLink('http://cdn.example.com/a.mp4', publicApi)).toThrow(
      /a downgrade from an https: API to http:/,
    );
    expect(checkLink('http://cdn.example.com/a.mp4', 'http://api.example.com').protocol).toBe('http:');
  });

  it('refuses loopback, metadata and private links from a public API, naming the host', () => {
    for (const link of [
      'http://127.0.0.1:8080/x',
      'http://169.254.169.254/',
      'http://[::1]/',
      'http://10.0.0.5/',
    ]) {
      expect(() => checkLink(link, publicApi)).toThrow(UnsafeLinkError);
    }
    expect(() => checkLink('http://169.254.169.254/', publicApi)).toThrow(
      /169\.254\.169\.254.*allowPrivateLinks/,
    );
  });

  it('refuses schemes other than http and https, links with credentials and relative links', () => {
    expect(() => checkLink('file:///etc/passwd', publicApi)).toThrow(/scheme file:/);
    expect(() => checkLink('data:video/mp4;base64,AAAA', publicApi)).toThrow(/scheme data:/);
    expect(() => checkLink('https://user:pw@cdn.example.com/', publicApi)).toThrow(/credentials/);
    expect(() => checkLink('/v1/files/x', publicApi)).toThrow(/not an absolute URL/);
  });

  it('follows private links when the API itself is private (the local emulator)', () => {
    expect(checkLink('http://127.0.0.1:9/files/t', 'http://127.0.0.1:4010').port).toBe('9');
    expect(checkLink('http://10.0.0.5/x', 'http://localhost:4010').hostname).toBe('10.0.0.5');
  });

  it('follows private links the policy allows, and only those', () => {
    expect(checkLink('http://10.0.0.5/x', publicApi, true).hostname).toBe('10.0.0.5');
    const onlyMinio = (url: URL) => url.hostname === '10.0.0.9';
    expect(checkLink('http://10.0.0.9/x', publicApi, onlyMinio).hostname).toBe('10.0.0.9');
    expect(() => checkLink('http://10.0.0.5/x', publicApi, onlyMinio)).toThrow(UnsafeLinkError);
  });

  it('takes a relative base URL (a browser behind a proxy) to be on the page host, or public without one', () => {
    expect(() => checkLink('http://127.0.0.1:9/x', '/api/sora')).toThrow(UnsafeLinkError);
    const page = globalThis as { location?: { href: string } };
    page.location = { href: 'http://localhost:3000/app' };
    try {
      expect(checkLink('http://127.0.0.1:9/x', '/api/sora').port).toBe('9');
    } finally {
      delete page.location;
    }
  });
});
