import type { TextDetector } from '../detector';
import { matches } from '../detector';

/**
 * Asking the model to keep something from the user: "do not tell the user", "do not mention
 * this", "without the user's knowledge", "the user must not know", "keep this secret", "silently
 * send …". Nothing a tool honestly needs says this.
 *
 * Tuned against real servers: "do not include huge page contents", "do not retry", "do not use both"
 * are instructions about using the tool and are not reported; the check needs a verb of telling
 * together with the user (or "this/that/it" as what is not to be told).
 */
const W = String.raw`[A-Za-z'’]{1,20}`;
const NEG = String.raw`(?:do\s{1,3}not|don['’]?t|never|must\s{1,3}not|mustn['’]?t|should\s{1,3}not|shouldn['’]?t|avoid|no\s{1,3}need\s{1,3}to)`;
const TELL = String.raw`(?:tell|telling|mention|mentioning|inform|informing|reveal|revealing|disclose|disclosing|notify|notifying|alert|alerting|show|showing|explain|explaining|report|reporting|let|letting|acknowledge|acknowledging|bring\s{1,3}up|say|saying)`;
const WHOM = String.raw`(?:the\s{1,3})?(?:user|users|human|person|operator|anyone|them|him|her|the\s{1,3}user['’]?s?)\b`;
const WHAT = String.raw`(?:this|that|it|these|those|the\s{1,3}(?:above|following|instructions?|file|side\s{1,3}effect|note|request)|anything\s{1,3}about)\b`;

const CONCEAL = new RegExp(
  [
    // do not tell the user / never mention this / don't let the user know
    String.raw`\b${NEG}\s{1,3}(?:${W}\s{1,3}){0,2}?${TELL}\s{1,3}(?:${W}\s{1,3}){0,1}?(?:${WHOM}|${WHAT})`,
    // without the user's knowledge / without telling the user
    String.raw`\bwithout\s{1,3}(?:the\s{1,3})?(?:user['’]?s?|their|them|anyone)\s{1,3}(?:knowledge|knowing|noticing|consent|awareness|seeing|permission)\b`,
    String.raw`\bwithout\s{1,3}${TELL}\s{1,3}${WHOM}`,
    // the user must not know / should never find out
    String.raw`\b(?:the\s{1,3})?user\s{1,3}(?:must|should|will|does|need|needs)\s{0,3}(?:not|n['’]t|never)\s{1,3}(?:${W}\s{1,3}){0,1}?(?:know|see|notice|find\s{1,3}out|be\s{1,3}told|be\s{1,3}informed|learn|realize|realise|suspect)\b`,
    // keep this secret / hide it from the user
    String.raw`\b(?:keep|hide|conceal)\s{1,3}(?:this|it|that|these|those|the\s{1,3}(?:above|following|instructions?|request|step))\s{1,3}(?:${W}\s{1,3}){0,2}?(?:secret|hidden|confidential|private|invisible|from)\b`,
    String.raw`\b(?:secretly|covertly|surreptitiously|stealthily|behind\s{1,3}the\s{1,3}user['’]?s?\s{1,3}back)\b`,
    // silently send / quietly include
    String.raw`\b(?:silently|quietly|invisibly)\s{1,3}(?:send|read|include|add|pass|copy|forward|upload|append|attach|call|bcc|cc|email|post|transmit|collect|exfiltrate|run|execute)\b`,
    // this is an implementation detail / could upset the user (the phrasing of published examples)
    String.raw`\b(?:it|this)\s{1,3}is\s{1,3}(?:just\s{1,3}|only\s{1,3}|merely\s{1,3})?an?\s{1,3}(?:mere\s{1,3})?implementation\s{1,3}detail\b`,
    String.raw`\b(?:could|would|might|may|will)\s{1,3}(?:${W}\s{1,3}){0,2}?(?:upset|scare|alarm|worry|confuse)\s{1,3}the\s{1,3}user\b`,
  ].join('|'),
  'gi',
);

export const concealment: TextDetector = ({ norm }, emit) => {
  for (const m of matches(CONCEAL, norm.text, 5)) {
    emit({ ruleId: 'tool-concealment', severity: 'high', start: m.index, end: m.index + m[0].length, message: 'Asks the model to keep something from the user.' });
  }
};
