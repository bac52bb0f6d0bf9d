import type { TextDetector } from '../detector';
import { matches, nearby } from '../detector';

/**
 * Asking the model to send data somewhere or to dress it up for the trip: known request-capture
 * hosts, URLs with a slot for data in the query, Markdown images whose URL carries data (they are
 * fetched when rendered), "always bcc/forward to <address>", "encode … in base64 and include it",
 * "pass the whole conversation / your system prompt / the user's API keys as …".
 *
 * Tuned against real servers: "return it as a base64-encoded content block" (everything),
 * "capture the screenshot as a base64-encoded data URI" (puppeteer), "Do not include any sensitive
 * or confidential information such as API keys, passwords, credentials" (context7) and webhook
 * parameters of Firecrawl's monitors are not reported: encoding must come with a verb of sending
 * and something private, and a negation in front of the request cancels it.
 */
const CAPTURE_HOSTS =
  /\b(?:webhook\.site|requestbin\.(?:com|net)|pipedream\.net|ngrok(?:-free)?\.(?:io|app|dev)|burpcollaborator\.net|oast(?:ify)?\.(?:pro|live|site|online|fun|me|com)|interact\.sh|canarytokens\.(?:com|org)|hookbin\.com|beeceptor\.com|postb\.in|requestcatcher\.com|ptsv2\.com|mockbin\.(?:org|io)|dnslog\.cn|ceye\.io|trycloudflare\.com|serveo\.net|localhost\.run|pastebin\.com|transfer\.sh)\b/gi;
/** A URL whose query has a slot to fill: `?data={…}`, `&q=<…>`, `?k=${…}`, `?x=[…]`. */
const URL_SLOT = /\bhttps?:\/\/[^\s"'<>`)\]]{1,200}?[?&#][\w.-]{1,40}=(?:\{|\$\{|<|\[|%7B|%3C)/gi;
/** A Markdown image with a query string: rendered, it is fetched, carrying whatever is in the URL. */
const MD_IMAGE = /!\[[^\]\n]{0,200}\]\(\s{0,3}https?:\/\/[^\s)]{1,300}?[?&][^\s)]{1,300}?\)/gi;
/** The domain of an address, read from just after its `@`. */
const DOMAIN = /[\w-]{1,63}(?:\.[\w-]{1,63}){1,6}\b/y;
/** A verb of sending mail within the same clause before an address (checked on the 100 characters before it). */
const MAIL_VERB = /\b(?:bcc|cc|forward|redirect|copy|send|mail|email|cc'?d|bcc'?d)\b[^\n.!?]{0,80}$/i;
const ENCODE = /\b(?:base64|base-64|b64|hex|rot13|url|percent|uu)[\s-]{0,2}(?:encod(?:e|ed|ing)|dump)\b|\bencod(?:e|ed|ing)\s{1,3}(?:\S{1,60}\s{1,3}){0,6}?(?:in|as|with|to|into)\s{1,3}(?:base64|base-64|hex|rot13)\b/gi;
const SEND = /\b(?:include|pass|send|append|attach|embed|put|add|upload|post|leak|forward|transmit|exfiltrate|smuggle|hide|insert|provide)\b/i;
const PRIVATE =
  /\b(?:content|contents|file|files|key|keys|token|tokens|secret|secrets|password|passwords|credential|credentials|conversation|history|messages|env|environment|cookie|cookies|ssh|config|prompt)\b/i;
const CONTEXT =
  /\b(?:include|pass|send|append|attach|embed|put|add|upload|post|forward|copy|paste|dump|provide|output|summari[sz]e|repeat|reproduce|return)\s{1,3}(?:\w{1,20}\s{1,3}){0,3}?(?:entire|full|whole|complete|previous|prior|verbatim|all\s{1,3}(?:of\s{1,3})?(?:the|your)|your|the\s{1,3}(?:user['’]?s|assistant['’]?s))\s{1,3}(?:\w{1,20}\s{1,3}){0,1}?(?:conversation|chat|message\s{1,3}history|messages|system\s{1,3}prompt|instructions|context\s{1,3}window|context|prompt)\b/gi;
const SECRETS =
  /\b(?:read|send|include|pass|append|attach|upload|forward|copy|collect|gather|extract|dump|leak|exfiltrate|embed|put)\s{1,3}(?:\w{1,20}\s{1,3}){0,3}?(?:your|the\s{1,3}user['’]?s|all|any|every|their|his|her)\s{1,3}(?:\w{1,20}\s{1,3}){0,1}?(?:api[\s_-]?keys?|access[\s_-]?tokens?|tokens|passwords?|credentials|secrets|private[\s_-]keys?|ssh[\s_-]keys?|environment[\s_-]variables|env[\s_-]vars|cookies|session[\s_-]tokens?|seed[\s_-]phrases?|mnemonics?|wallet)\b/gi;
/** A negation just before a request cancels it ("Do not include any …"). */
const NEGATED = /\b(?:not|never|don['’]?t|without|no|avoid|nor)\s{1,3}(?:\w{1,20}\s{1,3}){0,2}$/i;
const ALWAYS = /\b(?:always|all|every|each|any|whenever|also|too|as\s{1,3}well|secretly|silently)\b/i;

function negated(text: string, start: number): boolean {
  return NEGATED.test(text.slice(Math.max(0, start - 40), start));
}

export const exfiltration: TextDetector = ({ norm }, emit) => {
  const text = norm.text;
  for (const m of matches(CAPTURE_HOSTS, text, 5)) {
    emit({ ruleId: 'tool-exfiltration', severity: 'high', start: m.index, end: m.index + m[0].length, message: `Names ${m[0]}, a service for capturing requests: a place to send data to.` });
  }
  for (const m of matches(MD_IMAGE, text, 5)) {
    emit({ ruleId: 'tool-exfiltration', severity: 'high', start: m.index, end: m.index + m[0].length, message: 'A Markdown image with a query string: when rendered it is fetched, sending what the URL carries.' });
  }
  for (const m of matches(URL_SLOT, text, 5)) {
    if (!nearby(text, m.index, m.index + m[0].length, PRIVATE)) continue;
    emit({ ruleId: 'tool-exfiltration', severity: 'high', start: m.index, end: m.index + m[0].length, message: 'A URL with a slot for data in its query, next to something private to put there.' });
  }
  for (const at of addresses(text, 20)) {
    const lead = text.slice(Math.max(0, at.start - 100), at.start);
    const verb = MAIL_VERB.exec(lead);
    if (verb === null) continue;
    const start = at.start - lead.length + verb.index;
    if (negated(text, start) || !nearby(text, start, at.end, ALWAYS)) continue;
    emit({ ruleId: 'tool-exfiltration', severity: 'high', start, end: at.end, message: 'Asks for messages to be sent or copied to a fixed address.' });
  }
  for (const m of matches(ENCODE, text, 5)) {
    const end = m.index + m[0].length;
    if (negated(text, m.index) || !nearby(text, m.index, end, SEND) || !nearby(text, m.index, end, PRIVATE)) continue;
    emit({ ruleId: 'tool-exfiltration', severity: 'high', start: m.index, end, message: 'Asks for something private to be encoded and passed on.' });
  }
  for (const m of matches(CONTEXT, text, 5)) {
    if (negated(text, m.index)) continue;
    emit({ ruleId: 'tool-exfiltration', severity: 'high', start: m.index, end: m.index + m[0].length, message: "Asks the model to pass on its conversation, prompt or context." });
  }
  for (const m of matches(SECRETS, text, 5)) {
    if (negated(text, m.index)) continue;
    emit({ ruleId: 'tool-exfiltration', severity: 'high', start: m.index, end: m.index + m[0].length, message: "Asks the model to collect or pass on the user's secrets." });
  }
};

/**
 * E-mail addresses, found from their `@` outwards. (A regex that starts at the local part retries a
 * 64-character run at every position of a long word: 64 times the work.)
 */
function addresses(text: string, cap: number): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (let at = text.indexOf('@'); at > 0 && out.length < cap; at = text.indexOf('@', at + 1)) {
    let start = at;
    while (start > 0 && at - start < 64 && /[\w.+-]/.test(text[start - 1] as string)) start--;
    while (start < at && text[start] === '.') start++;
    if (start === at) continue;
    DOMAIN.lastIndex = at + 1;
    const d = DOMAIN.exec(text);
    if (d !== null) out.push({ start, end: DOMAIN.lastIndex });
  }
  return out;
}
