import { Activity, ChartColumn, Columns3, KeyRound, Keyboard, MessageSquare, Moon, Network, Plug, Search, ShieldCheck, Sun, SunMoon } from 'lucide-react';
import type { ComponentType } from 'react';
import { useRouter, type Screen } from '../stores/router.js';
import { useTheme } from '../stores/theme-store.js';
import { useUi } from '../stores/ui-store.js';

const DESTINATIONS: { screen: Screen; label: string; Icon: ComponentType<{ size?: number; 'aria-hidden'?: boolean }> }[] = [
  { screen: 'chat', label: 'Chat', Icon: MessageSquare },
  { screen: 'compare', label: 'Compare', Icon: Columns3 },
  { screen: 'providers', label: 'Providers', Icon: Plug },
  { screen: 'gateway', label: 'Gateway', Icon: Network },
  { screen: 'spending', label: 'Spending', Icon: ChartColumn },
  { screen: 'keys', label: 'Keys', Icon: KeyRound },
  { screen: 'activity', label: 'Activity', Icon: Activity },
  { screen: 'privacy', label: 'Privacy', Icon: ShieldCheck },
];

const THEME_ICON = { system: SunMoon, light: Sun, dark: Moon };

/** Labelled destinations (only screens that exist), then the palette, shortcuts and theme. */
export function IconRail() {
  const screen = useRouter((s) => s.route.screen);
  const go = useRouter((s) => s.go);
  const { choice, toggle } = useTheme();
  const ThemeIcon = THEME_ICON[choice];
  return (
    <nav className="rail" aria-label="Screens">
      <div className="rail-brand" aria-hidden="true">
        <svg viewBox="0 0 32 32">
          <rect width="32" height="32" rx="7" />
          <path d="M9 7 16 16 23 7M16 16v10" />
        </svg>
      </div>
      <ul>
        {DESTINATIONS.map(({ screen: target, label, Icon }) => (
          <li key={target}>
            <a
              href={`/${target}`}
              className="rail-link"
              aria-current={screen === target ? 'page' : undefined}
              onClick={(e) => {
                e.preventDefault();
                go({ screen: target });
              }}
            >
              <Icon size={18} aria-hidden />
              <span>{label}</span>
            </a>
          </li>
        ))}
      </ul>
      <div className="rail-tools">
        <button type="button" className="rail-tool" aria-label="Command palette (Ctrl+K)" title="Command palette (Ctrl+K)" onClick={() => useUi.getState().setPalette(true)}>
          <Search size={18} aria-hidden />
        </button>
        <button type="button" className="rail-tool" aria-label="Keyboard shortcuts (?)" title="Keyboard shortcuts (?)" onClick={() => useUi.getState().setShortcuts(true)}>
          <Keyboard size={18} aria-hidden />
        </button>
        <button type="button" className="rail-tool" aria-label={`Theme: ${choice} (switch)`} title={`Theme: ${choice}`} onClick={toggle}>
          <ThemeIcon size={18} aria-hidden />
        </button>
      </div>
    </nav>
  );
}
