export { analyzeServerOutputs } from './analyze';
export { toolSecurityFindings, type ToolSecurityFindingOptions } from './findings';
export { escapeInvisible, quoteSpan } from './escape';
export { WELL_KNOWN_TOOLS } from './detectors/name-collision';
export { TOOL_SECURITY_RULES, type AnalyzeOptions, type ToolSecurityCategory, type ToolSecurityHit, type ToolSecurityProbe, type ToolSecurityRuleId } from './types';
