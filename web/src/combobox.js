// Place picker: an ARIA 1.2 combobox (input + listbox) that searches English names, Chinese
// names and ids. It replaces a native <datalist>, whose popup swallowed the first mouse click
// made elsewhere on the page after typing (the popup closed on that mousedown and Chromium
// dropped the click). Here the list never takes focus or the pointer outside its own options:
// mousedown on an option is prevented (the input keeps focus, so no blur/mousedown race), and
// any other mousedown just closes the list and lets the click through.

import { t } from "./i18n.js";
import { bestPlace, esc, pickerText, placeDetail, placeNameHtml, searchPlaces } from "./places.js";

const MAX_SHOWN = 8;

/** Places matching ``text`` (names in either language, pinyin, initials, id), best first. */
export function matchPlaces(places, text) {
  return searchPlaces(places, text).map((h) => h.place);
}

export class PlaceCombobox {
  /** @param {HTMLInputElement} input  @param {(id: string) => void} onChoose */
  constructor(input, onChoose) {
    this.input = input;
    this.onChoose = onChoose;
    this.places = [];
    this.shown = [];
    this.active = -1;
    const id = `${input.id}-listbox`;
    this.list = document.createElement("ul");
    this.list.id = id;
    this.list.className = "combo-list";
    this.list.setAttribute("role", "listbox");
    this.list.setAttribute("aria-label", t("Places matching {field}", { field: input.labels?.[0]?.textContent || input.id }));
    this.list.hidden = true;
    input.insertAdjacentElement("afterend", this.list);
    input.parentElement.classList.add("combo");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", id);
    input.addEventListener("input", () => this.update());
    input.addEventListener("keydown", (ev) => this.key(ev));
    input.addEventListener("blur", () => this.close());
    // The list must not steal focus from the input: no blur before the option's click.
    this.list.addEventListener("mousedown", (ev) => ev.preventDefault());
    this.list.addEventListener("click", (ev) => {
      const li = ev.target.closest("li[data-i]");
      if (li) this.choose(Number(li.dataset.i));
    });
  }

  setPlaces(places) {
    this.places = places;
  }

  update() {
    const hits = searchPlaces(this.places, this.input.value);
    this.shown = hits.slice(0, MAX_SHOWN).map((h) => h.place);
    const exact = hits.length === 1 && pickerText(hits[0].place) === this.input.value;
    if (!this.shown.length || exact) {
      this.close();
      return;
    }
    this.active = -1;
    this.list.innerHTML = this.shown
      .map(
        (p, i) =>
          `<li role="option" id="${this.list.id}-${i}" data-i="${i}" data-id="${esc(p.id)}" aria-selected="false">${placeNameHtml(p)}<span class="hint opt-detail">${esc(placeDetail(p))} · <code>${esc(p.id)}</code></span></li>`,
      )
      .join("");
    this.list.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  }

  highlight(i) {
    this.active = i;
    this.list.querySelectorAll("li").forEach((li, k) => li.setAttribute("aria-selected", String(k === i)));
    if (i >= 0) {
      this.input.setAttribute("aria-activedescendant", `${this.list.id}-${i}`);
      this.list.children[i].scrollIntoView({ block: "nearest" });
    } else {
      this.input.removeAttribute("aria-activedescendant");
    }
  }

  key(ev) {
    const open = !this.list.hidden;
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      if (!open) this.update();
      if (this.list.hidden) return;
      ev.preventDefault();
      const n = this.shown.length;
      const step = ev.key === "ArrowDown" ? 1 : -1;
      this.highlight(this.active < 0 ? (step > 0 ? 0 : n - 1) : (this.active + step + n) % n);
    } else if (ev.key === "Enter" && open && this.active >= 0) {
      ev.preventDefault(); // choose the option; a second Enter submits the form
      this.choose(this.active);
    } else if (ev.key === "Enter") {
      // Enter on typed text takes the exact or single best match and lets the form submit;
      // when the text is ambiguous the list opens on the first candidate instead.
      const best = bestPlace(this.places, this.input.value);
      if (best) {
        this.input.value = pickerText(best);
        this.close();
        this.onChoose(best.id);
      } else if (this.input.value.trim()) {
        if (this.list.hidden) this.update();
        if (!this.list.hidden) {
          ev.preventDefault();
          this.highlight(0);
        }
      }
    } else if (ev.key === "Escape" && open) {
      ev.preventDefault();
      this.close();
    }
  }

  choose(i) {
    const p = this.shown[i];
    if (!p) return;
    this.input.value = pickerText(p);
    this.close();
    this.onChoose(p.id);
  }

  close() {
    this.list.hidden = true;
    this.list.innerHTML = "";
    this.shown = [];
    this.active = -1;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  }
}
