/** What the suite writes to MCP_OVERSIGHT_E2E_RESULTS for the launcher to count and print. */
export interface TestOutcome {
  title: string;
  ms: number;
  error?: string;
}

export interface SuiteResults {
  passed: TestOutcome[];
  failed: TestOutcome[];
  pending: TestOutcome[];
}
