import { useEffect, useState } from 'preact/hooks';

/** Every dashboard address is under this prefix; the server answers each with the app's page. */
export const BASE = '/_/';

/** The part of the address after `/_/`, e.g. `collections/posts`. */
function currentRoute(): string {
  const path = location.pathname;
  return path.startsWith(BASE) ? decodeURIComponent(path.slice(BASE.length)).replace(/\/+$/, '') : '';
}

const listeners = new Set<() => void>();

/** Goes to a dashboard route without reloading the page (the browser's back button works). */
export function navigate(route: string): void {
  history.pushState(null, '', BASE + route.split('/').map(encodeURIComponent).join('/'));
  for (const listener of listeners) listener();
}

/** The current route, re-rendering on `navigate` and on back/forward. */
export function useRoute(): string {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    listeners.add(update);
    addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      removeEventListener('popstate', update);
    };
  }, []);
  return route;
}

/** Props for an `<a>` that navigates inside the app, yet stays a real link (new tab, keyboard). */
export function linkTo(route: string) {
  return {
    href: BASE + route.split('/').map(encodeURIComponent).join('/'),
    onClick: (event: MouseEvent) => {
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      navigate(route);
    },
  };
}
