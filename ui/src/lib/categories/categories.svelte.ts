/**
 * Categories: Plaid's taxonomy (primary codes, each with its detailed ones) and the person's
 * own, as `list_categories` gives them, with people's words for each (`label`). One store for
 * the app: pickers, the list's badges and the Categories screen read it. The tags in use
 * (`list_tags`) are kept here too, for the same pickers and filters.
 */
import * as cmd from '../backend/commands';
import type { CategoryView, TagView } from '../backend/types';
import { categoryLabel } from '../format/format';
import { describeError, describeFailure, type ErrorDisplay, type FailureDisplay } from '../ui/errors';

export interface CategoryGroup {
  /** The primary code. */
  primary: CategoryView;
  /** Its detailed codes. */
  detailed: CategoryView[];
}

export class CategoriesStore {
  list = $state.raw<CategoryView[]>([]);
  tags = $state.raw<TagView[]>([]);
  loaded = $state(false);
  error = $state<ErrorDisplay | null>(null);

  #labels = $derived(new Map(this.list.map((c) => [c.category, c.label])));

  /** People's words for a stored category (a Plaid code or the person's own name). */
  labelOf(category: string): string {
    return this.#labels.get(category) ?? categoryLabel(category);
  }

  /** The person's categories, in the backend's order. */
  get own(): CategoryView[] {
    return this.list.filter((c) => c.source === 'own');
  }

  /** Plaid's categories grouped by primary, in Plaid's order. */
  get plaidGroups(): CategoryGroup[] {
    const groups = new Map<string, CategoryGroup>();
    for (const c of this.list) {
      if (c.source !== 'plaid') continue;
      if (c.category === c.group) groups.set(c.group, { primary: c, detailed: [] });
      else groups.get(c.group)?.detailed.push(c);
    }
    return [...groups.values()];
  }

  async load(): Promise<void> {
    try {
      const [list, tags] = await Promise.all([cmd.listCategories(), cmd.listTags()]);
      this.list = list;
      this.tags = tags;
      this.loaded = true;
      this.error = null;
    } catch (e) {
      this.error = describeError(e);
    }
  }

  /** Loads once (later calls reuse what is there); `load` refreshes. */
  async ensure(): Promise<void> {
    if (!this.loaded) await this.load();
  }

  /** Creates a category of the person's own; the refusal, if any. */
  async create(name: string): Promise<FailureDisplay | null> {
    try {
      await cmd.createCategory({ name });
      await this.load();
      return null;
    } catch (e) {
      return describeFailure(e);
    }
  }

  /** Deletes one of the person's categories (refused while it is in use); the refusal, if any. */
  async remove(name: string): Promise<FailureDisplay | null> {
    try {
      await cmd.deleteCategory({ name });
      await this.load();
      return null;
    } catch (e) {
      return describeFailure(e);
    }
  }
}
