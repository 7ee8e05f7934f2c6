/** The domain's view of Connecteam data, free of wire-format details. */
export interface AssetAccess {
  assetId: number;
  adminIds: number[];
  assignedUserIds: number[];
  /** Smart-group identifiers exactly as the asset lists them. */
  smartGroups: string[];
}

export interface ConnecteamUser {
  userId: number;
  firstName: string;
  lastName: string;
  email: string | undefined;
  archived: boolean;
  smartGroupIds: string[];
}

export interface SmartGroup {
  id: string;
  name: string | undefined;
}

export function fullName(user: Pick<ConnecteamUser, 'firstName' | 'lastName'>): string {
  return `${user.firstName} ${user.lastName}`.trim();
}
