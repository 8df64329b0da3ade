/**
 * The fake Slack's surfaces: modals (views.open, views.push, views.update) and Home tabs (views.publish),
 * each validated against Block Kit before it is stored, with Slack's hash check on updates.
 */
import { validateView } from './block-kit-validator.js';
import { FAKE_IDS, type StoredView } from './fake-slack-types.js';
import { clone, err, errorsResponse, isObject, type Json, type Problems, str } from './fake-slack-wire.js';

export class ViewStore {
  private readonly viewStore = new Map<string, StoredView>();
  private seq = 0;

  constructor(private readonly problems: Problems) {}

  /** All views opened, pushed or published, by id. */
  views(): StoredView[] {
    return [...this.viewStore.values()].map(clone);
  }

  view(id: string): StoredView | undefined {
    const v = this.viewStore.get(id);
    return v ? clone(v) : undefined;
  }

  homeView(userId: string): StoredView | undefined {
    const v = [...this.viewStore.values()].find((x) => x.type === 'home' && x.user_id === userId);
    return v ? clone(v) : undefined;
  }

  reset(): void {
    this.viewStore.clear();
  }

  readonly handlers: Record<string, (args: Json) => Json> = {
    'views.open': (a) => this.viewsOpenOrPush('views.open', a),
    'views.push': (a) => this.viewsOpenOrPush('views.push', a),
    'views.update': (a) => this.viewsUpdate(a),
    'views.publish': (a) => this.viewsPublish(a),
  };

  private checkView(method: string, a: Json, allowed: 'modal' | 'home', targetId?: string): Json | undefined {
    if (!isObject(a.view)) {
      const errors = ['missing required field: view [json-pointer:/view]'];
      this.problems.invalid.push({ method, errors });
      return errorsResponse('invalid_arguments', errors);
    }
    const errors = validateView(a.view);
    if (errors.length === 0 && a.view.type !== allowed) {
      errors.push(`${method} requires a ${allowed} view [json-pointer:/view/type]`);
    }
    if (errors.length > 0) {
      this.problems.invalid.push({ method, errors });
      return errorsResponse('invalid_arguments', errors);
    }
    const externalId = a.view.external_id;
    if (typeof externalId === 'string' && externalId !== '') {
      const clash = [...this.viewStore.values()].find(
        (v) => v.external_id === externalId && v.id !== targetId,
      );
      if (clash) return err('duplicate_external_id');
    }
    return undefined;
  }

  private newHash(): string {
    this.seq += 1;
    return `${Math.floor(Date.now() / 1000)}.${this.seq.toString(36)}${Math.random().toString(36).slice(2, 10)}`;
  }

  private buildView(view: Json, keep?: StoredView): StoredView {
    let id = keep?.id;
    if (id === undefined) {
      this.seq += 1;
      id = `V0${String(this.seq).padStart(9, '0')}`;
    }
    const built: StoredView = {
      team_id: FAKE_IDS.teamId,
      private_metadata: '',
      callback_id: '',
      state: { values: {} },
      title: null,
      close: null,
      submit: null,
      clear_on_close: false,
      notify_on_close: false,
      previous_view_id: keep?.previous_view_id ?? null,
      app_id: FAKE_IDS.appId,
      app_installed_team_id: FAKE_IDS.teamId,
      bot_id: FAKE_IDS.botId,
      ...clone(view),
      external_id: typeof view.external_id === 'string' ? view.external_id : '',
      blocks: Array.isArray(view.blocks) ? clone(view.blocks) : [],
      type: String(view.type),
      id,
      root_view_id: keep?.root_view_id ?? id,
      hash: this.newHash(),
    };
    if (keep?.user_id !== undefined) built.user_id = keep.user_id;
    this.viewStore.set(id, built);
    return built;
  }

  private viewsOpenOrPush(method: 'views.open' | 'views.push', a: Json): Json {
    if (str(a, 'trigger_id') === undefined) {
      const errors = ['missing required field: trigger_id [json-pointer:/trigger_id]'];
      this.problems.invalid.push({ method, errors });
      return errorsResponse('invalid_arguments', errors);
    }
    const bad = this.checkView(method, a, 'modal');
    if (bad) return bad;
    return { ok: true, view: clone(this.buildView(a.view as Json)) };
  }

  private viewsUpdate(a: Json): Json {
    const viewId = str(a, 'view_id');
    const externalId = str(a, 'external_id');
    if (viewId === undefined && externalId === undefined) {
      const errors = ['must provide view_id or external_id [json-pointer:/view_id]'];
      this.problems.invalid.push({ method: 'views.update', errors });
      return errorsResponse('invalid_arguments', errors);
    }
    const existing =
      viewId !== undefined
        ? this.viewStore.get(viewId)
        : [...this.viewStore.values()].find((v) => v.external_id === externalId);
    if (!existing) return err('not_found');
    const hash = str(a, 'hash');
    if (hash !== undefined && hash !== existing.hash) return err('hash_conflict');
    const bad = this.checkView('views.update', a, existing.type === 'home' ? 'home' : 'modal', existing.id);
    if (bad) return bad;
    return { ok: true, view: clone(this.buildView(a.view as Json, existing)) };
  }

  private viewsPublish(a: Json): Json {
    const userId = str(a, 'user_id');
    if (userId === undefined) {
      const errors = ['missing required field: user_id [json-pointer:/user_id]'];
      this.problems.invalid.push({ method: 'views.publish', errors });
      return errorsResponse('invalid_arguments', errors);
    }
    const existing = [...this.viewStore.values()].find((v) => v.type === 'home' && v.user_id === userId);
    const hash = str(a, 'hash');
    if (existing && hash !== undefined && hash !== existing.hash) return err('hash_conflict');
    const bad = this.checkView('views.publish', a, 'home', existing?.id);
    if (bad) return bad;
    const built = this.buildView(a.view as Json, existing);
    built.user_id = userId;
    return { ok: true, view: clone(built) };
  }
}
