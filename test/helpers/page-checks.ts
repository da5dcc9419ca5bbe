import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';

const SCHEMES = ['light', 'dark'] as const;

/** Adds the serious or critical axe findings of the screen as it is now, in both themes, to `findings`. */
export async function auditPage(page: Page, name: string, findings: string[]): Promise<void> {
  for (const scheme of SCHEMES) {
    await page.emulateMedia({ colorScheme: scheme });
    const result = await new AxeBuilder({ page }).analyze();
    for (const v of result.violations) {
      if (v.impact === 'serious' || v.impact === 'critical') {
        findings.push(`${name} (${scheme}): ${v.id} ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
      }
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** DIR/NAME-light.png and DIR/NAME-dark.png of the page as it is now. */
export async function screenshotPage(page: Page, dir: string, name: string): Promise<void> {
  for (const scheme of SCHEMES) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: join(dir, `${name}-${scheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}
