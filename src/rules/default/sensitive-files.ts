import { defineRule } from '../define.js';
import type { RuleSpec } from '../types.js';

/**
 * Sensitive files (111xxx): requests for dotfiles, VCS metadata, credentials, server config and backup copies.
 * Matched on REQUEST_FILENAME (the path, percent-decoded here, lower-cased). `/.well-known/` is allowed.
 */
const TAGS = ['attack-disclosure'];
const CAT = 'disclosure_score';

export const SENSITIVE_FILES_RULES: readonly RuleSpec[] = [
  defineRule({
    id: 111000,
    phase: 1,
    targets: 'REQUEST_FILENAME',
    transforms: ['urlDecodeUni', 'normalizePathWin', 'lowercase'],
    operator: /\/\.(?:env(?:\.[\w.-]{1,40})?|git|svn|hg|bzr|cvs|htaccess|htpasswd|htdigest|aws|ssh|gnupg|docker|dockerenv|kube|npmrc|yarnrc|pypirc|netrc|pgpass|my\.cnf|bash_history|zsh_history|sh_history|mysql_history|psql_history|python_history|node_repl_history|bashrc|profile|ds_store|idea|vscode|terraform|terraformrc|travis\.yml|gitlab-ci\.yml|circleci|git-credentials|gitconfig|boto|s3cfg|azure|config\/gcloud|vault-token|user\.ini|php_cs\.cache|sqlite_history|viminfo|lesshst|wget-hsts|composer|history|localized|trash)(?:\/|$|\.(?:bak|old|orig|save|swp|txt))/,
    msg: 'Sensitive file: dotfile, VCS or credential store',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 111010,
    phase: 1,
    targets: 'REQUEST_FILENAME',
    transforms: ['urlDecodeUni', 'normalizePathWin', 'lowercase'],
    operator: /\/(?:id_(?:rsa|dsa|ecdsa|ed25519)(?:\.pub)?|authorized_keys|known_hosts|credentials\.(?:json|xml|ya?ml|csv)|web\.config|wp-config\.php[^/]{1,20}|wp-config\.(?:bak|old|txt|save|orig)|configuration\.php[^/]{1,20}|localsettings\.php[^/]{1,20}|config\.php[^/]{1,20}|settings\.php[^/]{1,20}|database\.yml|secrets\.ya?ml|master\.key|application\.properties|appsettings(?:\.\w{1,20})?\.json|docker-compose\.ya?ml|dockerfile|server-status|server-info|phpinfo\.php|info\.php|adminer\.php|elmah\.axd|trace\.axd|web-inf\/|meta-inf\/|cgi-bin\/(?:php|test-cgi|printenv)|\.?htpasswd|ntds\.dit|etc\/(?:passwd|shadow)|backup\.(?:sql|zip|tar(?:\.gz)?|tgz|rar|7z)|dump\.sql|db\.sql|database\.sql|(?:db|data|database|users)\.(?:sqlite3?|db|mdb|accdb)|error_log|debug\.log|npm-debug\.log|composer\.(?:json|lock)|package-lock\.json|yarn\.lock|gemfile(?:\.lock)?|\.?env\.(?:local|production|prod|dev|development|staging|backup|bak|old|example)|key\.pem|private\.key|server\.key|privkey\.pem|cert\.pem|keystore\.jks|thumbs\.db)$/,
    msg: 'Sensitive file: credentials, config or dump',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 111020,
    // Backup / editor copies: `index.php.bak`, `config.old`, `file~`, `.swp`, `#file#`, `.sql`.
    phase: 1,
    targets: 'REQUEST_FILENAME',
    transforms: ['urlDecodeUni', 'lowercase'],
    operator: /\.(?:bak|backup|bck|bkp|old|orig|original|save|sav|swp|swo|swn|sql|sqlite3?|mdb|dump|pem|key|keystore|jks|pfx|p12|ovpn|kdbx|rdp|asa|tfstate|tfvars)$|~$|\/#[^/]{1,200}#$|\.(?:php\d?|asp|aspx|jsp|py|rb|pl|cgi|config|inc)\.(?:\d{1,3}|bak|old|orig|save|swp|tmp|copy|txt|zip|tar\.gz|tgz|gz|dist|backup|bkp|sav)$|\.(?:js|html?|json|xml|ya?ml|ts)\.(?:bak|old|orig|save|swp|tmp|copy|backup)$/,
    msg: 'Sensitive file: backup, config or key file extension',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 111100,
    phase: 1,
    targets: 'REQUEST_FILENAME',
    transforms: ['urlDecodeUni', 'lowercase'],
    operator: /\.(?:zip|tar|tgz|gz|bz2|xz|7z|rar|war|jar|ear|tmp|temp|copy|dist|inc|cfg|conf|ini|log|ps1|bat|sh|cer|crt|der|csr|yml|yaml|toml|lock)$|\/(?:backup|backups|old|bak|dump|temp|tmp|debug|phpmyadmin|pma|myadmin|console|actuator)(?:\/|$)/,
    msg: 'Sensitive file: archive or admin/backup directory',
    severity: 'warning', paranoia: 2, tags: TAGS, category: CAT,
  }),
];
