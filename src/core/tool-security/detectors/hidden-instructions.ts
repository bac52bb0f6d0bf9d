import type { TextDetector } from '../detector';
import { matches } from '../detector';

/**
 * Instructions aimed at the model rather than at describing the tool: `<IMPORTANT>`-style blocks
 * (the form of Invariant Labs' tool-poisoning examples), chat-template tokens that fake a system
 * turn, "ignore previous instructions" and kin, and preconditions that coerce ("otherwise the tool
 * will not work").
 *
 * Tuned against real servers: `IMPORTANT:` or `**CRITICAL - …**` as emphasis in prose, and "You MUST
 * call X before Y" about the server's own tools, are ordinary documentation and not reported. What is
 * reported is the markup that frames text as a higher-priority message.
 */
const TAG_BLOCK =
  /<\s{0,3}\/?\s{0,3}(?:important|system|system[_ -]?prompt|system[_ -]?message|instructions?|secret|hidden|admin|override|critical|mandatory|priority|assistant[_ -]?(?:instructions?|note)|ai[_ -]?(?:instructions?|note)|note[_ -]?to[_ -]?(?:ai|assistant|model|llm|agent)|llm[_ -]?instructions?|agent[_ -]?instructions?)\s{0,3}>/gi;
const BRACKET_BLOCK = /\[\s{0,3}\/?(?:IMPORTANT|SYSTEM|SYSTEM PROMPT|INSTRUCTIONS?|ADMIN|OVERRIDE|HIDDEN|SECRET)\s{0,3}\]/g;
const CHAT_TEMPLATE = /<\|\s{0,2}(?:im_start|im_end|system|user|assistant|endoftext|eot_id|start_header_id|end_header_id)\s{0,2}\|>|\[\/?INST\]|<<\/?SYS>>|^#{1,6}[ \t]{0,4}(?:system|new instructions|system prompt)[ \t]{0,4}:?[ \t]{0,4}$/gim;
const OVERRIDE =
  /\b(?:ignore|disregard|forget|override|bypass|skip)\s{1,3}(?:all\s{1,3}|any\s{1,3}|every\s{1,3})?(?:of\s{1,3})?(?:the\s{1,3}|your\s{1,3}|these\s{1,3}|those\s{1,3})?(?:previous|prior|above|earlier|preceding|other|original|system|safety|existing|user'?s?)\s{1,3}(?:instructions?|prompts?|rules|directions|guidelines|messages|guardrails|policies|constraints)\b|\b(?:new|updated|real|actual)\s{1,3}system\s{1,3}(?:prompt|instructions?|message)\b|\bthis\s{1,3}(?:instruction|message|rule)\s{1,3}(?:takes|has)\s{1,3}(?:precedence|priority)\b|\b(?:more|most)\s{1,3}important\s{1,3}than\s{1,3}(?:any|all)\s{1,3}(?:other\s{1,3})?(?:instructions?|rules)\b/gi;
const COERCION =
  /\botherwise\s{1,3}(?:this|the)\s{1,3}tool\s{1,3}(?:will|would|may|might|does|can)\s{1,3}(?:not|n't|fail|break|crash|error)|\bbefore\s{1,3}(?:using|calling|running|invoking|executing)\s{1,3}(?:this|the|any)\s{1,3}(?:tool|function|server)s?\s{0,3},?\s{0,3}(?:you\s{1,3})?(?:must\s{1,3}|should\s{1,3}|need\s{1,3}to\s{1,3}|have\s{1,3}to\s{1,3}|always\s{1,3}|first\s{1,3})?(?:first\s{1,3})?(?:read|open|cat|load|access|fetch|retrieve|collect|send|upload|include|gather)\b|\bfrom\s{1,3}now\s{1,3}on\s{0,3},?\s{0,3}(?:you|always|never|all)\b/gi;

export const hiddenInstructions: TextDetector = ({ norm }, emit) => {
  const text = norm.text;
  for (const m of matches(TAG_BLOCK, text, 5)) {
    emit({ ruleId: 'tool-hidden-instructions', severity: 'high', start: m.index, end: m.index + m[0].length, message: `A ${m[0].trim()} block: text framed as an instruction to the model, not a description for people.` });
  }
  for (const m of matches(BRACKET_BLOCK, text, 5)) {
    emit({ ruleId: 'tool-hidden-instructions', severity: 'high', start: m.index, end: m.index + m[0].length, message: `A ${m[0].trim()} marker: text framed as an instruction to the model.` });
  }
  for (const m of matches(CHAT_TEMPLATE, text, 5)) {
    emit({ ruleId: 'tool-hidden-instructions', severity: 'high', start: m.index, end: m.index + m[0].length, message: 'A chat-template token or system heading: it fakes a system or user turn for the model.' });
  }
  for (const m of matches(OVERRIDE, text, 5)) {
    emit({ ruleId: 'tool-hidden-instructions', severity: 'high', start: m.index, end: m.index + m[0].length, message: 'Prompt injection: tells the model to override its instructions.' });
  }
  for (const m of matches(COERCION, text, 5)) {
    emit({ ruleId: 'tool-hidden-instructions', severity: 'medium', start: m.index, end: m.index + m[0].length, message: 'A precondition aimed at the model (do something first, or the tool "will not work").' });
  }
};
