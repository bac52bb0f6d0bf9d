import * as vscode from 'vscode';
import type { AssessmentStore } from '../servers/assessment-store';
import { diagnosticModels, ruleDocsUrl, type DiagnosticLevel, type DiagnosticModel, type RangeModel } from './diagnostic-model';
import { fixActions } from './fix-actions';

export const DIAGNOSTIC_SOURCE = 'MCP Oversight';

const LEVEL: Record<DiagnosticLevel, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

const toRange = (r: RangeModel) => new vscode.Range(r.startLine, r.startCharacter, r.endLine, r.endCharacter);
const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? d.code.value : d.code);

/**
 * Findings in the Problems view, on the exact range in the config file (global files included), and
 * their Quick Fixes. Reads the store; diagnostic-model.ts and fix-actions.ts decide what to show.
 */
export class OversightDiagnostics implements vscode.CodeActionProvider, vscode.Disposable {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };
  private readonly collection = vscode.languages.createDiagnosticCollection('mcpOversight');
  private models = new Map<string, DiagnosticModel[]>();
  private readonly subs: vscode.Disposable[] = [];

  constructor(
    private readonly store: AssessmentStore,
    private readonly repositoryUrl: string | undefined,
  ) {
    this.subs.push(this.collection, store.onDidChange(() => this.render()), vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, this, OversightDiagnostics.metadata));
    this.render();
  }

  private render(): void {
    const byFile = diagnosticModels(this.store.all());
    this.models = new Map([...byFile].map(([file, ms]) => [vscode.Uri.file(file).toString(), ms]));
    this.collection.clear();
    for (const [uri, ms] of this.models) this.collection.set(vscode.Uri.parse(uri), ms.map((m) => this.diagnostic(m)));
  }

  private diagnostic(m: DiagnosticModel): vscode.Diagnostic {
    const d = new vscode.Diagnostic(toRange(m.range), m.message, LEVEL[m.level]);
    d.source = DIAGNOSTIC_SOURCE;
    const target = m.kind === 'finding' ? ruleDocsUrl(this.repositoryUrl, m.ruleId) : undefined;
    d.code = target ? { value: m.ruleId, target: vscode.Uri.parse(target) } : m.ruleId;
    if (m.suppressed) d.tags = [vscode.DiagnosticTag.Unnecessary];
    return d;
  }

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const models = this.models.get(document.uri.toString());
    if (!models) return [];
    if (context.only && !vscode.CodeActionKind.QuickFix.intersects(context.only)) return [];
    const r = { startLine: range.start.line, startCharacter: range.start.character, endLine: range.end.line, endCharacter: range.end.character };
    return fixActions(models, r, vscode.workspace.isTrusted).map((a) => {
      const action = new vscode.CodeAction(a.title, vscode.CodeActionKind.QuickFix);
      action.command = { command: a.command, title: a.title, arguments: a.args };
      const fixed = models.filter((m) => a.fixes.includes(m.fingerprint));
      action.diagnostics = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE && fixed.some((m) => codeOf(d) === m.ruleId && d.range.isEqual(toRange(m.range))));
      action.isPreferred = a.preferred;
      return action;
    });
  }

  dispose(): void {
    for (const s of this.subs.splice(0)) s.dispose();
  }
}
