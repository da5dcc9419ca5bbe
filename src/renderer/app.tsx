import { lazy, Suspense, useEffect } from 'react';
import { ConnectionNotice } from './components/connection-notice.js';
import { Notices } from './components/notices.js';
import { SignInNotice } from './components/sign-in-notice.js';
import { useSession } from './hooks/use-session.js';
import { ChatScreen } from './screens/chat/chat-screen.js';
import { CommandPalette } from './shell/command-palette.js';
import { IconRail } from './shell/icon-rail.js';
import { ShortcutsSheet } from './shell/shortcuts-sheet.js';
import { StatusStrip } from './shell/status-strip.js';
import { useShortcuts } from './shell/use-shortcuts.js';
import { startDataSync } from './stores/data-stores.js';
import { useRouter } from './stores/router.js';

// The chat is the first screen; the others load when opened.
const CompareScreen = lazy(() => import('./screens/compare/compare-screen.js').then((m) => ({ default: m.CompareScreen })));
const ProvidersScreen = lazy(() => import('./screens/providers/providers-screen.js').then((m) => ({ default: m.ProvidersScreen })));
const GatewayScreen = lazy(() => import('./screens/gateway/gateway-screen.js').then((m) => ({ default: m.GatewayScreen })));
const KeysScreen = lazy(() => import('./screens/keys/keys-screen.js').then((m) => ({ default: m.KeysScreen })));
const SpendingScreen = lazy(() => import('./screens/spending/spending-screen.js').then((m) => ({ default: m.SpendingScreen })));
const ActivityScreen = lazy(() => import('./screens/activity/activity-screen.js').then((m) => ({ default: m.ActivityScreen })));
const PrivacyScreen = lazy(() => import('./screens/privacy/privacy-screen.js').then((m) => ({ default: m.PrivacyScreen })));

function CurrentScreen() {
  const screen = useRouter((s) => s.route.screen);
  if (screen === 'compare') return <CompareScreen />;
  if (screen === 'providers') return <ProvidersScreen />;
  if (screen === 'gateway') return <GatewayScreen />;
  if (screen === 'keys') return <KeysScreen />;
  if (screen === 'spending') return <SpendingScreen />;
  if (screen === 'activity') return <ActivityScreen />;
  if (screen === 'privacy') return <PrivacyScreen />;
  return <ChatScreen />;
}

function Shell() {
  useShortcuts();
  useEffect(startDataSync, []);
  return (
    <div className="shell">
      <IconRail />
      <main className="shell-main">
        <Suspense fallback={<p className="hint screen">Loading…</p>}>
          <CurrentScreen />
        </Suspense>
      </main>
      <StatusStrip />
      <Notices />
      <CommandPalette />
      <ShortcutsSheet />
    </div>
  );
}

export function App() {
  const session = useSession();
  if (session.kind === 'signed-in') return <Shell />;
  return (
    <main className="signed-out">
      <h1 className="visually-hidden">Switchyard</h1>
      {session.kind === 'checking' && <p className="hint">Connecting to the gateway…</p>}
      {session.kind === 'signed-out' && <SignInNotice />}
      {session.kind === 'error' && <ConnectionNotice message={session.message} stale={false} />}
    </main>
  );
}
