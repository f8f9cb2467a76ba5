import type { AppConfig } from '../src/config.js';

/** The headers each vendor client of the graph sends, by vendor origin, so the baseline calls upstream as the graph does. */
export function vendorHeadersByOrigin(config: AppConfig): Map<string, Record<string, string>> {
  const headers = new Map<string, Record<string, string>>();
  const { FLASHBACK, CHATBASE, MOVEWORKS_DATA, SYMBL, MOVEWORKS_CONVERSATIONS } = config.providers;
  const set = (baseUrl: string, values: Record<string, string>): void => {
    headers.set(new URL(baseUrl).origin, { accept: 'application/json', ...values });
  };
  if (FLASHBACK) set(FLASHBACK.baseUrl, { authorization: `Bearer ${FLASHBACK.token}` });
  if (CHATBASE) set(CHATBASE.baseUrl, { authorization: `Bearer ${CHATBASE.apiKey}` });
  if (MOVEWORKS_DATA) set(MOVEWORKS_DATA.baseUrl, { authorization: MOVEWORKS_DATA.token });
  if (SYMBL) set(SYMBL.baseUrl, { authorization: `Bearer ${SYMBL.token}` });
  if (MOVEWORKS_CONVERSATIONS) {
    set(MOVEWORKS_CONVERSATIONS.baseUrl, {
      authorization: `Bearer ${MOVEWORKS_CONVERSATIONS.token}`,
      'assistant-name': MOVEWORKS_CONVERSATIONS.assistantName,
    });
  }
  return headers;
}
