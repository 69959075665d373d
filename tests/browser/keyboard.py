"""Keyboard-only driving of a page: where focus is, Tab to an element, arrow keys through a radio group."""


def active(page):
    """What has focus, for assertions and for readable failure messages."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el || el === document.body) return {tag: 'body', id: '', name: '', value: '', type: '', href: ''};
            return {
                tag: el.tagName.toLowerCase(), id: el.id || '', name: el.getAttribute('name') || '',
                value: el.value === undefined ? '' : String(el.value), type: el.getAttribute('type') || '',
                href: el.getAttribute('href') || '', text: (el.innerText || '').trim().slice(0, 40),
            };
        }"""
    )


def focus_matches(page, selector):
    return page.evaluate("(selector) => !!document.activeElement && document.activeElement.matches(selector)", selector)


def tab_to(page, selector, max_presses=60):
    """Press Tab until the element matching `selector` has focus; return every element focus passed through.

    Date fields take a Tab per part, hence the generous limit."""
    visited = []
    for _ in range(max_presses):
        page.keyboard.press("Tab")
        visited.append(active(page))
        if focus_matches(page, selector):
            return visited
    trail = "\n".join(f"  {v['tag']}#{v['id']} name={v['name']!r} href={v['href']!r}" for v in visited)
    raise AssertionError(f"Tab never reached {selector!r} in {max_presses} presses; focus went through:\n{trail}")


def choose_radio(page, name, value):
    """With focus on a radio of the group `name`, move with the arrow keys to `value` and select it."""
    options = page.locator(f'input[type="radio"][name="{name}"]').count()
    for _ in range(options + 1):
        now = active(page)
        assert now["name"] == name, f"focus left the radio group {name!r}: {now}"
        if now["value"] == value:
            page.keyboard.press("Space")
            break
        page.keyboard.press("ArrowDown")
    assert page.locator(f'input[name="{name}"][value="{value}"]').is_checked(), (
        f"the keyboard did not select {value!r} in the group {name!r}"
    )
