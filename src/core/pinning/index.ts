export { LOCK_FILE_PATH, LockFileSchema, PinnedDefinitionSchema, PinnedServerSchema, PinnedToolSchema, type LockFile, type PinnedDefinition, type PinnedServer, type PinnedTool } from './lock-schema';
export { MAX_DEFINITION_DEPTH, pinnedDefinition, toolDefinitionHash, tryToolDefinitionHash, type ToolLike } from './definition-hash';
export { lockFileText, parseLockFile, type LockFileParse } from './lock-file';
export { compareWithLock, definitionDiff, PIN_RULES, pinHits, prettyDefinition, type PinHit, type PinProbe, type PinRuleId, type ServerPinComparison, type ToolChange } from './compare';
export { pinTools, type PinOptions } from './pin';
export { pinFindings } from './findings';
