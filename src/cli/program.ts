import { Command, Option } from 'commander';
import { CLI_ADMIN_ROLES } from './admin-roles.js';
import type { CreateAdminOptions } from './commands/create-admin.js';

/**
 * The `linli` operator commands. Each action resolves to an exit code; errors are thrown and
 * reported once, by `runCli`. Commands read the same environment as the server (DATABASE_URL,
 * DATA_DIR, ENCRYPTION_KEY …) through loadConfig. Commands are loaded when run, so `audit verify`
 * and `backup` do not load every module's routes just to start.
 */
export function buildProgram(setExitCode: (code: number) => void): Command {
  const program = new Command('linli')
    .description('邻里 Linli 运维命令 / operator commands')
    .showHelpAfterError()
    .configureHelp({ sortSubcommands: false })
    // Commander's own messages are English; say in Chinese first what kind of error it is.
    .configureOutput({ outputError: (text, write) => write(`命令用法有误 / usage error: ${text.replace(/^error: /, '')}`) });

  program
    .command('migrate')
    .description('应用数据库迁移 / apply database migrations')
    .action(async () => setExitCode(await (await import('./commands/migrate.js')).migrateCommand()));

  program
    .command('seed-demo')
    .description('在空数据库中生成演示社区 / seed the demo community into an empty database')
    .action(async () => setExitCode(await (await import('./commands/seed-demo.js')).seedDemoCommand()));

  program
    .command('create-admin')
    .description('创建管理员（密码取自 LINLI_ADMIN_PASSWORD 或终端输入）/ create an administrator (password from LINLI_ADMIN_PASSWORD or typed)')
    .requiredOption('--username <username>', '登录名 / login name')
    .option('--display-name <name>', '显示名称 / display name')
    .requiredOption('--node <idOrCode>', '授权的组织节点 id 或代码 / org node id or code the role is granted on')
    .addOption(new Option('--role <role>', '角色 / role').choices(CLI_ADMIN_ROLES).default('system_admin'))
    .action(async (opts: CreateAdminOptions) => setExitCode(await (await import('./commands/create-admin.js')).createAdminCommand(opts)));

  const audit = program.command('audit').description('审计日志 / audit log');
  audit
    .command('verify')
    .description('校验审计哈希链 / verify the audit hash chain')
    .action(async () => setExitCode(await (await import('./commands/audit.js')).auditVerifyCommand()));

  program
    .command('backup')
    .argument('<file>', '备份文件（.jsonl.gz）/ backup file (.jsonl.gz)')
    .description('在服务运行时做一致性备份 / take a consistent backup while the server runs')
    .action(async (file: string) => setExitCode(await (await import('./commands/backup.js')).backupCommand(file)));

  program
    .command('restore')
    .argument('<file>', '备份文件 / backup file')
    .option('--force', '替换已有数据的数据库 / replace a database that holds data')
    .description('从备份恢复（须先停止服务）/ restore from a backup (stop the server first)')
    .action(async (file: string, opts: { force?: boolean }) => setExitCode(await (await import('./commands/restore.js')).restoreCommand(file, opts)));

  return program;
}
