//! The person's words on their transactions, end to end: the detail panel (opened by a click
//! and by Enter), a hand edit seen in the list, a rule made from it ("Always do this?")
//! applied to the stored rows after its preview, a split (refused while it does not add up,
//! then saved), and a bulk edit of several selected rows.

use std::time::{Duration, Instant};

use coffer_webdriver::button;
use serde_json::json;

use crate::app::App;

const ENTER: &str = "\u{E007}";
const ESCAPE: &str = "\u{E00C}";
const ARROW_DOWN: &str = "\u{E015}";

/// The app with the Platypus bank's checking and savings linked and synced, on the
/// Transactions screen with its first rows drawn.
async fn with_transactions(name: &str) -> App {
    let app = App::start(name).await;
    app.link_bank("platypus", "ins_109508", &["0000", "1111"])
        .await;
    app.wait_transactions().await;
    app.go("transactions").await;
    app.wait(
        "the first rows",
        "return document.querySelector('.row[data-id]')",
    )
    .await;
    app
}

/// Waits until the count line says `n` (a filter's answer arrived).
async fn wait_count(app: &App, n: u64) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if app.transaction_count(true).await == n {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the list counts {} rows, not {n}",
            app.transaction_count(true).await
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Types a search and waits until the list answers it (with rows whose text holds it, when
/// `in_rows`: a note is found but not shown in the row).
async fn search(app: &App, text: &str, in_rows: bool) -> u64 {
    app.browser.type_into("input[type=search]", text).await;
    app.wait(
        "the search to apply",
        "var p=document.querySelector('#tx-title + p'); return p && /match$/.test(p.textContent.trim())",
    )
    .await;
    if !in_rows {
        return app.transaction_count(true).await;
    }
    // Rows of the new answer, not the previous one's: every row shown holds the text.
    app.browser
        .wait_up_to(
            "rows matching the search",
            &format!(
                "var r=document.querySelectorAll('.row[data-id]'); return r.length>0 && \
                 Array.prototype.every.call(r, function(x){{return x.innerText.toLowerCase().includes({})}})",
                json!(text.to_lowercase())
            ),
            Duration::from_secs(10),
        )
        .await;
    app.transaction_count(true).await
}

/// Picks `value` in the `<select>` labelled `label` inside the element matching `scope`
/// (the toolbar and the detail panel both have a "Category").
async fn select_in(app: &App, scope: &str, label: &str, value: &str) {
    let done = app
        .browser
        .js(
            "var scope=document.querySelector(arguments[0]), label=arguments[1], value=arguments[2]; \
             if (!scope) return 'no scope'; \
             var l=Array.prototype.find.call(scope.querySelectorAll('label'), function(x){ \
               var s=x.querySelector('span'); return s && s.textContent===label}); \
             var sel=l && l.querySelector('select'); if (!sel) return 'no select'; \
             if (!Array.prototype.some.call(sel.options, function(o){return o.value===value})) return 'no option'; \
             sel.value=value; sel.dispatchEvent(new Event('change', {bubbles:true})); return 'ok'",
            json!([scope, label, value]),
        )
        .await;
    assert_eq!(done, json!("ok"), "{scope}: select {label} = {value}");
}

/// Types `text` into the field (input or textarea) labelled `label` inside `scope`, brought
/// to the middle of its scrolling panel first (WebDriver types only into what is in view).
async fn type_in(app: &App, scope: &str, label: &str, text: &str) {
    let css = app
        .browser
        .js(
            "var scope=document.querySelector(arguments[0]), label=arguments[1]; \
             if (!scope) return null; \
             var l=Array.prototype.find.call(scope.querySelectorAll('label'), function(x){ \
               var s=x.querySelector('span'); return (s ? s.textContent : x.textContent).trim()===label}); \
             var f=l && l.querySelector('input, textarea'); \
             if (!f && l && l.htmlFor) f=document.getElementById(l.htmlFor); \
             if (!f) return null; \
             f.id = f.id || 'e2e-' + label.replace(/[^a-z0-9]/gi, '-'); \
             f.scrollIntoView({block: 'center'}); return '#' + f.id",
            json!([scope, label]),
        )
        .await;
    let css = css
        .as_str()
        .unwrap_or_else(|| panic!("no field labelled {label} in {scope}"));
    app.browser.type_into(css, text).await;
}

/// The id of the row at list position `index` (0-based).
async fn row_id(app: &App, index: usize) -> String {
    app.wait(
        &format!("row {index}"),
        &format!(
            "var r=document.querySelector(\".row[aria-rowindex='{}'][data-id]\"); return r && r.dataset.id",
            index + 1
        ),
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_string()
}

/// The text of the row showing transaction `id`.
async fn row_text(app: &App, id: &str) -> String {
    app.browser
        .js(
            "var r=document.querySelector(\".row[data-id='\"+arguments[0]+\"']\"); return r ? r.innerText : ''",
            json!([id]),
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Waits until the row of `id` shows `needle`.
async fn wait_row_shows(app: &App, id: &str, needle: &str) {
    app.browser
        .wait_up_to(
            &format!("row {id} to show {needle:?}"),
            &format!(
                "var r=document.querySelector(\".row[data-id='{id}']\"); return r && r.innerText.includes({})",
                json!(needle)
            ),
            Duration::from_secs(10),
        )
        .await;
}

/// Waits until the detail panel shows transaction `id` (its row is marked open and the panel
/// has its form).
async fn wait_panel_for(app: &App, id: &str) -> String {
    app.wait(
        "the detail panel",
        &format!(
            "var a=document.querySelector('aside[aria-labelledby=detail-title]'); \
             var r=document.querySelector(\".row.open[data-id='{id}']\"); \
             return a && r && a.querySelector('form') && a.innerText"
        ),
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_string()
}

async fn panel_open(app: &App) -> bool {
    app.browser
        .js(
            "return !!document.querySelector('aside[aria-labelledby=detail-title]')",
            json!([]),
        )
        .await
        == json!(true)
}

/// The open dialog's text, once it contains `needle`.
async fn dialog_with(app: &App, needle: &str, secs: u64) -> String {
    app.browser
        .wait_up_to(
            &format!("a dialog saying {needle:?}"),
            &format!(
                "var d=document.querySelector('dialog[open]'); return d && d.innerText.includes({}) && d.innerText",
                json!(needle)
            ),
            Duration::from_secs(secs),
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// A picture of the whole display once the page has settled.
async fn picture(app: &App, step: &str) {
    app.wait_settled().await;
    app.display_shot(step);
}

/// (a) The detail panel opens by a click and by Enter; a category and a note typed there are
/// saved, show in the list (the note is found by search), and Escape closes the panel.
/// (b) "Always do this for Starbucks?" makes a rule from that edit; its preview counts the
/// other Starbucks rows, applying it gives them the category, and the Rules and Categories
/// screens show it.
#[tokio::test]
async fn edit_in_the_detail_panel_then_a_rule_from_it() {
    let app = App::start("personal-edit").await;
    // A category of the person's own, made on the Categories screen.
    app.go("categories").await;
    app.fill("New category", "Coffee runs").await;
    app.browser.click(&button("Create")).await;
    app.wait_text("Created “Coffee runs”.", 10).await;
    app.go("accounts").await;
    app.link_bank("platypus", "ins_109508", &["0000", "1111"])
        .await;
    app.wait_transactions().await;
    app.go("transactions").await;
    let total = app.transaction_count(true).await;

    // (a) By a click.
    let starbucks = search(&app, "Starbucks", true).await;
    assert!(
        starbucks >= 3,
        "a 730-day history has Starbucks rows: {starbucks}"
    );
    let first = row_id(&app, 0).await;
    app.browser
        .click(&format!(".row[data-id='{first}'] .desc"))
        .await;
    let panel = wait_panel_for(&app, &first).await;
    // Section headings are upper-cased by CSS (innerText shows them so).
    assert!(panel.to_lowercase().contains("from your bank"), "{panel}");
    assert!(panel.contains("Starbucks"), "{panel}");
    assert!(
        panel.contains("Coffee"),
        "Plaid's detailed category in words: {panel}"
    );
    assert!(!panel.contains("FOOD_AND_DRINK"), "no raw codes: {panel}");
    select_in(&app, "aside", "Category", "Coffee runs").await;
    type_in(&app, "aside", "Note", "Oat milk, with Sam").await;
    picture(&app, "1-detail-edited").await;
    app.browser.click(&button("Save")).await;
    app.wait_text("Saved", 10).await;
    wait_row_shows(&app, &first, "Coffee runs").await;
    let row = row_text(&app, &first).await;
    assert!(row.contains("Starbucks"), "{row}");
    app.wait_text("Always do this for Starbucks?", 5).await;
    picture(&app, "2-saved-offer").await;

    // Escape (from the note) closes the panel; the list has the focus again.
    app.browser.click("aside textarea").await;
    app.browser.keys(ESCAPE).await;
    app.wait(
        "the panel to close",
        "return !document.querySelector('aside[aria-labelledby=detail-title]') && \
         document.activeElement && document.activeElement.getAttribute('role')==='grid'",
    )
    .await;

    // By Enter: the second row of the list, reached with the arrow key.
    let second = row_id(&app, 1).await;
    app.browser.keys(ARROW_DOWN).await;
    app.wait(
        "the second row active",
        "return document.querySelector('[role=grid]').getAttribute('aria-activedescendant')==='tx-row-1'",
    )
    .await;
    app.browser.keys(ENTER).await;
    let panel = wait_panel_for(&app, &second).await;
    assert!(panel.contains("Starbucks"), "{panel}");
    picture(&app, "3-opened-by-enter").await;
    app.browser.keys(ESCAPE).await;
    app.wait(
        "the panel to close",
        "return !document.querySelector('aside[aria-labelledby=detail-title]')",
    )
    .await;

    // The note is found by search, and the first row shows what was saved when reopened.
    assert_eq!(search(&app, "oat milk", false).await, 1);
    assert_eq!(row_id(&app, 0).await, first);
    app.browser
        .click(&format!(".row[data-id='{first}'] .desc"))
        .await;
    wait_panel_for(&app, &first).await;
    let note = app
        .browser
        .js(
            "return document.querySelector('aside textarea').value",
            json!([]),
        )
        .await;
    assert_eq!(note, json!("Oat milk, with Sam"));

    // (b) The rule, from the offer after a hand edit: add a tag so the offer shows again.
    type_in(&app, "aside", "New tag", "treats").await;
    app.browser.click(&button("Add tag")).await;
    app.browser.click(&button("Save")).await;
    app.wait_text("Always do this for Starbucks?", 10).await;
    app.browser.click(&button("Make a rule…")).await;
    let dialog = dialog_with(&app, "Save rule", 10).await;
    assert!(
        dialog.contains("Merchant is exactly “Starbucks”"),
        "{dialog}"
    );
    assert!(dialog.contains("Set category to Coffee runs"), "{dialog}");
    assert!(dialog.contains("Add tag “treats”"), "{dialog}");
    app.fill("Rule name", "Coffee at Starbucks").await;
    picture(&app, "4-rule-draft").await;
    app.browser.click(&button("Save rule")).await;
    let preview = dialog_with(&app, "would change", 20).await;
    // Every other Starbucks row changes; the edited one was set by hand.
    let expected = starbucks - 1;
    assert!(
        preview.contains(&format!(
            "{expected} transaction{} would change",
            if expected == 1 { "" } else { "s" }
        )),
        "{expected} of {starbucks}: {preview}"
    );
    assert!(
        preview.contains("category: Plaid's → Coffee runs"),
        "{preview}"
    );
    picture(&app, "5-rule-preview").await;
    app.browser
        .click(&button(&format!("Apply to {expected} transactions")))
        .await;
    let done = dialog_with(&app, "Changed", 30).await;
    assert!(
        done.contains(&format!("Changed {expected} transactions.")),
        "{done}"
    );
    picture(&app, "6-rule-applied").await;
    app.browser.click(&button("Close")).await;

    // Every Starbucks row now has the category, and nothing else does.
    app.browser.click(&button("Clear filters")).await;
    wait_count(&app, total).await;
    select_in(&app, "form.filters", "Category", "Coffee runs").await;
    wait_count(&app, starbucks).await;
    for i in 0..(starbucks.min(5) as usize) {
        let id = row_id(&app, i).await;
        let text = row_text(&app, &id).await;
        assert!(
            text.contains("Starbucks") && text.contains("Coffee runs") && text.contains("#treats"),
            "{text}"
        );
    }
    picture(&app, "7-filtered-by-category").await;

    app.go("rules").await;
    app.wait_text("Coffee at Starbucks", 10).await;
    let rules = app.body_text().await;
    assert!(
        rules.contains("Merchant is exactly “Starbucks”")
            && rules.contains("Set category to Coffee runs"),
        "{rules}"
    );
    picture(&app, "8-rules-screen").await;
    app.go("categories").await;
    app.browser
        .wait_up_to(
            "Coffee runs with its rows counted",
            &format!(
                "return Array.prototype.some.call(document.querySelectorAll('ul.own li'), function(l){{ \
                 return l.innerText.includes('Coffee runs') && l.innerText.includes('{starbucks} transactions')}})"
            ),
            Duration::from_secs(10),
        )
        .await;
    picture(&app, "9-categories-screen").await;
}

/// (c) A split that does not add up is refused with the core's words; one that does is saved
/// and shows in the list; undone, it is gone.
#[tokio::test]
async fn a_split_refused_then_saved() {
    let app = with_transactions("personal-split").await;
    search(&app, "rent payment", true).await;
    let rent = row_id(&app, 0).await;
    app.browser
        .click(&format!(".row[data-id='{rent}'] .desc"))
        .await;
    wait_panel_for(&app, &rent).await;
    app.browser.click(&button("Split…")).await;
    type_in(&app, "aside", "Part 1 amount", "1500").await;
    type_in(&app, "aside", "Part 2 amount", "500").await;
    app.wait_text("Left to assign: $78.50", 5).await;
    app.browser.click(&button("Save split")).await;
    let refusal = app
        .wait(
            "the refusal",
            "var a=document.querySelector('aside [role=alert]'); return a && a.innerText",
        )
        .await;
    let refusal = refusal.as_str().unwrap_or_default();
    assert!(
        refusal.contains("2000")
            && refusal.contains("2078.5")
            && refusal.contains("78.5")
            && refusal.contains("still to assign"),
        "{refusal}"
    );
    picture(&app, "1-split-refused").await;
    assert!(
        !row_text(&app, &rent).await.contains("Split"),
        "nothing was saved"
    );

    type_in(&app, "aside", "Part 2 amount", "578.50").await;
    app.wait_text("Everything is assigned.", 5).await;
    select_in(&app, "aside", "Part 1 category", "RENT_AND_UTILITIES_RENT").await;
    select_in(&app, "aside", "Part 2 category", "RENT_AND_UTILITIES_WATER").await;
    type_in(&app, "aside", "Part 2 note", "Water, this quarter").await;
    picture(&app, "2-split-adds-up").await;
    app.browser.click(&button("Save split")).await;
    app.wait(
        "the saved split",
        "var a=document.querySelector('aside'); return a && /Undo split/.test(a.innerText) && !a.querySelector('[role=alert]')",
    )
    .await;
    wait_row_shows(&app, &rent, "Split in 2").await;
    let panel = wait_panel_for(&app, &rent).await;
    assert!(
        panel.contains("-$1,500.00")
            && panel.contains("-$578.50")
            && panel.contains("Water, this quarter"),
        "{panel}"
    );
    picture(&app, "3-split-saved").await;

    app.browser.click(&button("Undo split")).await;
    app.wait(
        "the split undone",
        "var a=document.querySelector('aside'); return a && /Split…/.test(a.innerText)",
    )
    .await;
    app.browser
        .wait_up_to(
            "the row without its split",
            &format!(
                "var r=document.querySelector(\".row[data-id='{rent}']\"); return r && !/Split in/.test(r.innerText)"
            ),
            Duration::from_secs(10),
        )
        .await;
}

/// (d) Several rows selected (a box, then a shift-click for the range) get a category, a
/// tag and an exclusion at once; the tag filter finds exactly them. Two rows that are no
/// transfer are refused in words when paired.
#[tokio::test]
async fn a_bulk_edit_of_selected_rows() {
    let app = with_transactions("personal-bulk").await;
    let ids: Vec<String> = {
        let mut v = Vec::new();
        for i in 0..4 {
            v.push(row_id(&app, i).await);
        }
        v
    };
    app.browser
        .click(&format!(".row[data-id='{}'] .pick input", ids[0]))
        .await;
    // WebDriver's click has no Shift; the same click event a person's shift-click makes.
    let shift = app
        .browser
        .js(
            "var b=document.querySelector(\".row[data-id='\"+arguments[0]+\"'] .pick input\"); \
             if (!b) return false; \
             b.dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true, shiftKey: true})); return true",
            json!([ids[3]]),
        )
        .await;
    assert_eq!(shift, json!(true));
    app.wait_text("4 selected", 5).await;
    assert!(!panel_open(&app).await, "a box does not open the panel");

    select_in(
        &app,
        "[aria-label='Selected transactions']",
        "Category for the selected rows",
        "GENERAL_MERCHANDISE_GIFTS_AND_NOVELTIES",
    )
    .await;
    app.browser.click(&button("Set category")).await;
    app.wait_text("Category set on 4 transactions.", 10).await;
    app.browser.type_into("#bulk-tag", "trip").await;
    app.browser.click(&button("Add tag")).await;
    app.wait_text("Tag “trip” added to 4 transactions.", 10)
        .await;
    app.browser.click(&button("Exclude")).await;
    app.wait_text("4 transactions left out of spending.", 10)
        .await;
    for id in &ids {
        wait_row_shows(&app, id, "Excluded").await;
        let text = row_text(&app, id).await;
        assert!(
            text.contains("Gifts and novelties") && text.contains("#trip"),
            "{text}"
        );
    }
    let fifth = row_id(&app, 4).await;
    assert!(
        !row_text(&app, &fifth).await.contains("#trip"),
        "an unselected row is untouched"
    );
    picture(&app, "1-bulk-edited").await;

    // The tag filter finds exactly the four.
    select_in(&app, "form.filters", "Tag", "trip").await;
    wait_count(&app, 4).await;
    let mut shown = Vec::new();
    for i in 0..4 {
        shown.push(row_id(&app, i).await);
    }
    shown.sort();
    let mut want = ids.clone();
    want.sort();
    assert_eq!(shown, want);
    picture(&app, "2-tag-filter").await;

    // Two rows that are no transfer (the filter cleared the selection): refused, and said why.
    app.browser
        .click(&format!(".row[data-id='{}'] .pick input", shown[0]))
        .await;
    app.browser
        .click(&format!(".row[data-id='{}'] .pick input", shown[1]))
        .await;
    app.wait_text("2 selected", 5).await;
    app.browser.click(&button("Pair as transfer")).await;
    let refusal = app
        .wait(
            "the pairing refused",
            "var a=document.querySelector('[role=alert]'); return a && a.innerText",
        )
        .await;
    let refusal = refusal.as_str().unwrap_or_default().to_lowercase();
    assert!(
        refusal.contains("transfer") || refusal.contains("amounts differ"),
        "{refusal}"
    );
    assert!(!app.body_text().await.contains("Paired as a transfer."));
    picture(&app, "3-pair-refused").await;
}
