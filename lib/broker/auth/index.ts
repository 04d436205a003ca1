// Access control of one broker: settings, the 2.0 metadata store, plain_acl.yml (1.0), the request guard, the
// admin handlers, the slave's copy of its master's metadata, and the credentials the broker signs its own calls with.

import type { Logger } from '../../common/log.ts';
import type { BrokerConfig } from '../config/broker-config.ts';
import { entriesFromInfo, userFromInfo, type AclInfo, type UserInfo } from '../../auth/model.ts';
import { signRequest } from '../../auth/signature.ts';
import { RequestCode, ResponseCode } from '../../protocol/codes.ts';
import { createRequest, type RemotingCommand } from '../../remoting/command.ts';
import type { RemotingClient } from '../../remoting/client.ts';
import { ResponseCodeError } from '../../remoting/errors.ts';
import type { BrokerHandler } from '../context.ts';
import { authActive, authSettingsOf, type AuthSettings } from './config.ts';
import { AuthGuard } from './guard.ts';
import { authAdminHandlers } from './handlers.ts';
import { PlainAclFile } from './plain-acl.ts';
import { AuthMetadataStore, authFile, type AuthSnapshot } from './store.ts';

export { authSettingsOf, type AuthSettings } from './config.ts';

export class BrokerAuth {
  readonly store: AuthMetadataStore;
  readonly plain: PlainAclFile;
  readonly guard: AuthGuard;
  private settings: AuthSettings;
  private lastSynced = '';

  constructor(
    private readonly config: () => BrokerConfig,
    private readonly log: Logger,
  ) {
    this.settings = authSettingsOf(config());
    this.store = new AuthMetadataStore(authFile(config().store.storePathRootDir), log);
    this.plain = new PlainAclFile(this.settings.plainAclFile, log);
    this.guard = new AuthGuard({
      settings: () => this.settings,
      store: this.store,
      plain: this.plain,
      clusterName: () => this.config().brokerClusterName,
      log,
    });
  }

  get active(): boolean {
    return authActive(this.settings);
  }

  /** Signs the broker's own requests (to nameservers, its master) when innerClientAuthenticationCredentials is set. */
  readonly signOwnRequest = (_addr: string, req: RemotingCommand): void => {
    const creds = this.settings.innerCredentials;
    if (creds) signRequest(req, creds);
  };

  /** Loads metadata, seeds the initial super user and the inner client's user, reads plain_acl.yml. */
  load(): void {
    const s = this.settings;
    this.store.load();
    if (s.aclEnable || s.migrateAuthFromV1Enabled) {
      this.plain.load();
      if (s.aclEnable) this.plain.watch();
    }
    // Slaves seed these too, so they serve the admin and their master before the first sync (which then replaces them).
    if (s.initUser && !this.store.getUser(s.initUser.username)) {
      this.store.createUser({ username: s.initUser.username, password: s.initUser.password, userType: 'Super', userStatus: 'enable' });
      this.log.info('auth_init_user_created', { username: s.initUser.username });
    }
    const inner = s.innerCredentials;
    if (inner && !this.store.getUser(inner.accessKey)) {
      this.store.createUser({ username: inner.accessKey, password: inner.secretKey, userType: 'Super', userStatus: 'enable' });
    }
    if (s.migrateAuthFromV1Enabled && this.config().store.brokerRole !== 'SLAVE') this.migrateFromV1();
    if (this.active) {
      this.log.info('access_control_on', {
        authenticationEnabled: s.authenticationEnabled, authorizationEnabled: s.authorizationEnabled, aclEnable: s.aclEnable,
        users: this.store.listUsers().length, plainAclFile: s.aclEnable ? this.plain.file : undefined,
      });
    }
  }

  /** migrateAuthFromV1Enabled: plain_acl.yml accounts the 2.0 store does not have yet become its users and policies. */
  private migrateFromV1(): void {
    for (const acc of this.plain.config.accounts) {
      if (this.store.getUser(acc.accessKey)) continue;
      const user = this.plain.user(acc.accessKey);
      const acl = this.plain.acl(`User:${acc.accessKey}`);
      if (!user) continue;
      this.store.createUser(user);
      if (acl) this.store.putAcl(acl.subject, acl.entries);
      this.log.info('auth_migrated_v1_account', { accessKey: acc.accessKey });
    }
  }

  handlers(): Array<[number, BrokerHandler]> {
    return authAdminHandlers({ store: this.store, plain: this.plain });
  }

  /** A slave's sync step: the master's users and policies (AUTH_LIST_USER + AUTH_LIST_ACL) replace its own. */
  async syncFromMaster(client: RemotingClient, masterAddr: string, timeoutMs: number): Promise<void> {
    const call = async (code: number): Promise<Buffer | undefined> => {
      const res = await client.invoke(masterAddr, createRequest(code, {}), timeoutMs);
      if (res.code !== ResponseCode.SUCCESS) throw new ResponseCodeError(masterAddr, res.code, res.remark, code);
      return res.body;
    };
    const usersBody = await call(RequestCode.AUTH_LIST_USER);
    const aclsBody = await call(RequestCode.AUTH_LIST_ACL);
    const text = `${usersBody?.toString('utf8') ?? ''}\n${aclsBody?.toString('utf8') ?? ''}`;
    if (text === this.lastSynced) return;
    const users = (usersBody?.length ? (JSON.parse(usersBody.toString('utf8')) as UserInfo[]) : []).map((u) => userFromInfo(u, u.username ?? ''));
    const acls = (aclsBody?.length ? (JSON.parse(aclsBody.toString('utf8')) as AclInfo[]) : []).map((a) => ({
      subject: a.subject ?? '',
      entries: entriesFromInfo(a),
    }));
    const snap: AuthSnapshot = { dataVersion: this.store.dataVersion + 1, users, acls };
    this.store.replaceAll(snap);
    this.lastSynced = text;
    this.log.info('slave_sync_auth', { masterAddr, users: users.length, acls: acls.length });
  }

  close(): void {
    this.plain.close();
  }
}
