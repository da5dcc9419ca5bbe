import { create } from 'zustand';

export type Screen = 'chat' | 'compare' | 'providers' | 'gateway' | 'spending' | 'keys' | 'activity' | 'privacy';
export const SCREENS: readonly Screen[] = ['chat', 'compare', 'providers', 'gateway', 'spending', 'keys', 'activity', 'privacy'];

export interface Route {
  screen: Screen;
  /** The open conversation on the chat screen. */
  conversationId: string | null;
}

/** `/chat/<id>`, `/compare`, `/providers`, `/gateway`; anything else is the chat screen. */
function parse(pathname: string): Route {
  const [, first = '', second] = pathname.split('/');
  const screen = (SCREENS as readonly string[]).includes(first) ? (first as Screen) : 'chat';
  return { screen, conversationId: screen === 'chat' && second ? decodeURIComponent(second) : null };
}

function pathOf(route: Route): string {
  if (route.screen === 'chat') return route.conversationId ? `/chat/${encodeURIComponent(route.conversationId)}` : '/chat';
  return `/${route.screen}`;
}

interface RouterState {
  route: Route;
  go(route: Partial<Route> & { screen: Screen }): void;
}

/** Screens live in the address (back/forward work, a reload stays put); the server answers every path with the app. */
export const useRouter = create<RouterState>()((set) => ({
  route: parse(window.location.pathname),
  go(next) {
    const route = { conversationId: null, ...next };
    const path = pathOf(route);
    if (path !== window.location.pathname) window.history.pushState(null, '', path);
    set({ route });
  },
}));

window.addEventListener('popstate', () => useRouter.setState({ route: parse(window.location.pathname) }));
