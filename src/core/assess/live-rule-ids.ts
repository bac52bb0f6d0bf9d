import { PIN_RULES } from '../pinning';
import { TOOL_SECURITY_RULES } from '../tool-security';

/** Ids of the live checks (Compliance Server), so a policy may override or suppress them like static rules. */
export const LIVE_RULE_IDS: readonly string[] = ['unreachable-server', ...Object.keys(TOOL_SECURITY_RULES), ...Object.keys(PIN_RULES)];
