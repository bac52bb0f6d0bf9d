import { autoApproveAllRule } from './auto-approve-all';
import { autoApproveDangerousRule } from './auto-approve-dangerous';
import { configErrorRule } from './config-error';
import { insecureHttpRule } from './insecure-http';
import { policyCommandRule } from './policy-command';
import { policyHostRule } from './policy-host';
import { policyPackageRule } from './policy-package';
import { privilegedContainerRule } from './privileged-container';
import type { Rule } from './rule';
import { secretHighEntropyRule } from './secret-high-entropy';
import { secretInUrlRule } from './secret-in-url';
import { secretTokenRule } from './secret-token';
import { serverShadowedRule } from './server-shadowed';
import { shellCommandRule } from './shell-command';
import { unpinnedContainerImageRule } from './unpinned-container-image';
import { unpinnedNpmPackageRule } from './unpinned-npm-package';
import { unpinnedPythonPackageRule } from './unpinned-python-package';

/** Every static rule, in report order. Adding a rule: one file in this folder, one line here, tests in test/unit/rules/. */
export const ALL_RULES: readonly Rule[] = [
  configErrorRule,
  secretTokenRule,
  secretHighEntropyRule,
  secretInUrlRule,
  insecureHttpRule,
  autoApproveAllRule,
  autoApproveDangerousRule,
  shellCommandRule,
  privilegedContainerRule,
  unpinnedNpmPackageRule,
  unpinnedPythonPackageRule,
  unpinnedContainerImageRule,
  serverShadowedRule,
  policyCommandRule,
  policyPackageRule,
  policyHostRule,
];
