import { serverMain } from '../kit/server-main';
import { createInstallerServer, INSTALLER_VERSION } from './installer-server';

// The composition root of the Installer process.
void serverMain({ bin: 'mcp-installer-server', version: INSTALLER_VERSION, create: createInstallerServer });
