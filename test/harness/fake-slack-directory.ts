/**
 * The fake Slack's workspace directory: users (users.info), channels (conversations.info) and user groups
 * (usergroups.users.list). Any well-formed id exists by default; tests override or remove entries.
 */
import { FAKE_IDS } from './fake-slack-types.js';
import { err, isObject, type Json, str } from './fake-slack-wire.js';

export class Directory {
  private readonly usergroups = new Map<string, string[]>();
  private readonly users = new Map<string, Json | null>();
  private readonly channels = new Map<string, Json | null>();

  setUsergroup(id: string, users: string[]): void {
    this.usergroups.set(id, [...users]);
  }

  /** Override fields of users.info for `id` (merged over the default user; `profile` merged too). null = not found. */
  setUser(id: string, user: Json | null): void {
    this.users.set(id, user);
  }

  /** Override fields of conversations.info for `id`. null = channel_not_found. */
  setChannel(id: string, channel: Json | null): void {
    this.channels.set(id, channel);
  }

  readonly handlers: Record<string, (args: Json) => Json> = {
    'conversations.info': (a) => this.conversationsInfo(a),
    'users.info': (a) => this.usersInfo(a),
    'usergroups.users.list': (a) => {
      const id = str(a, 'usergroup');
      const users = id === undefined ? undefined : this.usergroups.get(id);
      return users ? { ok: true, users: [...users] } : err('no_such_subteam');
    },
  };

  private conversationsInfo(a: Json): Json {
    const id = str(a, 'channel');
    if (id === undefined) return err('channel_not_found');
    const override = this.channels.get(id);
    if (override === null || (override === undefined && !/^[CGD][A-Z0-9]+$/.test(id)))
      return err('channel_not_found');
    const isIm = id.startsWith('D');
    const channel: Json = {
      id,
      name: isIm ? undefined : `chan-${id.toLowerCase()}`,
      is_channel: id.startsWith('C'),
      is_group: id.startsWith('G'),
      is_im: isIm,
      is_private: id.startsWith('G') || isIm,
      is_archived: false,
      is_general: false,
      is_member: true,
      is_ext_shared: false,
      is_org_shared: false,
      created: 1_600_000_000,
      creator: 'U0USER',
      context_team_id: FAKE_IDS.teamId,
      ...override,
    };
    return { ok: true, channel };
  }

  private usersInfo(a: Json): Json {
    const id = str(a, 'user');
    if (id === undefined) return err('user_not_found');
    const override = this.users.get(id);
    if (override === null || (override === undefined && !/^[UWB][A-Z0-9]+$/.test(id)))
      return err('user_not_found');
    const isBot = id === FAKE_IDS.botUserId;
    const name = isBot ? FAKE_IDS.botName : `user-${id.toLowerCase()}`;
    const realName = isBot ? 'SecSol' : `User ${id}`;
    const { profile: profileOverride, ...rest } = override ?? {};
    const user: Json = {
      id,
      team_id: FAKE_IDS.teamId,
      name,
      deleted: false,
      real_name: realName,
      tz: 'Etc/UTC',
      tz_label: 'Coordinated Universal Time',
      tz_offset: 0,
      is_admin: false,
      is_owner: false,
      is_restricted: false,
      is_ultra_restricted: false,
      is_bot: isBot,
      is_app_user: false,
      updated: 1_700_000_000,
      ...rest,
      profile: {
        real_name: realName,
        real_name_normalized: realName,
        display_name: name,
        display_name_normalized: name,
        team: FAKE_IDS.teamId,
        ...(isObject(profileOverride) ? profileOverride : {}),
      },
    };
    return { ok: true, user };
  }
}
