// A DOM for the bench's React trees (happy-dom, as in the tests), and the page-visibility switch.
import { Window } from 'happy-dom';

export function installDom() {
  const window = new Window({ url: 'http://localhost/' });
  for (const name of ['window', 'document', 'navigator']) {
    Object.defineProperty(globalThis, name, {
      configurable: true,
      value: name === 'window' ? window : window[name],
    });
  }
  globalThis.HTMLElement = window.HTMLElement;
  return window;
}

export function setPageVisible(visible) {
  Object.defineProperty(document, 'visibilityState', {
    configurable: true,
    get: () => (visible ? 'visible' : 'hidden'),
  });
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => !visible });
  document.dispatchEvent(new window.Event('visibilitychange'));
}
