/**
 * The desktop window has no clipboard permission (all permissions are denied), so it
 * copies through the preload bridge; a browser uses the async Clipboard API.
 */
export async function copyText(text: string): Promise<void> {
  const bridge = window.switchyard;
  if (bridge) {
    await bridge.copyText(text);
    return;
  }
  await navigator.clipboard.writeText(text);
}
