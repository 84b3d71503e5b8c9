/**
 * OIDC applications, their client secrets and group assignments. A client secret is never kept:
 * only its SHA-256 (Okta's `secret_hash`) and its last four characters for display, so a state
 * file cannot leak one.
 */
export interface SecretRec {
  id: string;
  status: 'ACTIVE' | 'INACTIVE';
  hash: string;
  lastFour: string;
  created: number;
  lastUpdated: number;
}

export interface AssignmentRec {
  priority: number;
  lastUpdated: number;
  seq: number;
}

export interface OidcClientSettings {
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  response_types: string[];
  grant_types: string[];
  application_type: string;
  consent_method: string;
  issuer_mode: string;
  initiate_login_uri: string | null;
  client_uri: string | null;
  logo_uri: string | null;
  wildcard_redirect: string;
}

export interface AppRec {
  id: string;
  seq: number;
  name: string;
  label: string;
  status: 'ACTIVE' | 'INACTIVE';
  signOnMode: string;
  created: number;
  lastUpdated: number;
  clientId: string;
  tokenEndpointAuthMethod: string;
  pkceRequired: boolean;
  oauthClient: OidcClientSettings;
  secrets: SecretRec[];
  groups: Map<string, AssignmentRec>;
  nextAssignmentSeq: number;
}

export class AppStore {
  private byId = new Map<string, AppRec>();
  private nextSeq = 1;

  get size(): number {
    return this.byId.size;
  }

  get(id: string): AppRec | undefined {
    return this.byId.get(id);
  }

  nextAppSeq(): number {
    return this.nextSeq++;
  }

  put(app: AppRec): void {
    this.byId.set(app.id, app);
    this.nextSeq = Math.max(this.nextSeq, app.seq + 1);
  }

  remove(id: string): boolean {
    return this.byId.delete(id);
  }

  all(): IterableIterator<AppRec> {
    return this.byId.values();
  }

  /** Drops a deleted group from every app's assignments. */
  removeGroupEverywhere(groupId: string): void {
    for (const a of this.byId.values()) a.groups.delete(groupId);
  }

  clear(): void {
    this.byId.clear();
    this.nextSeq = 1;
  }
}
