"""A headless Chromium driven by selenium, for the tests of the draw page.

Only what is installed is used: Debian's ``chromium`` and ``chromium-driver`` (or the programs
named by GLASSNET_CHROMIUM and GLASSNET_CHROMEDRIVER); nothing is downloaded (selenium's own
driver manager is told to stay offline). Where any of the three is missing the test is skipped
with the reason, unless GLASSNET_REQUIRE_BROWSER=1 (CI) makes that a failure.
"""

import os
import shutil

import pytest

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                  "--window-size=1280,1500", "--force-device-scale-factor=1")


def _program(variable, names):
    explicit = os.environ.get(variable)
    if explicit:
        return explicit if os.path.isfile(explicit) else None
    return next((found for found in map(shutil.which, names) if found), None)


def missing_reason():
    """Why the browser tests cannot run here, or None when they can."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install selenium)"
    if _program("GLASSNET_CHROMIUM", ("chromium", "chromium-browser")) is None:
        return "Chromium is not installed (apt-get install chromium chromium-driver)"
    if _program("GLASSNET_CHROMEDRIVER", ("chromedriver",)) is None:
        return "chromedriver is not installed (apt-get install chromium-driver)"
    return None


def require_browser():
    reason = missing_reason()
    if reason is None:
        return
    if os.environ.get("GLASSNET_REQUIRE_BROWSER") == "1":
        pytest.fail(f"GLASSNET_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


def start_chromium(profile_dir, download_dir=None):
    """A selenium WebDriver for a fresh headless Chromium whose profile lives in ``profile_dir``."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    os.environ["SE_OFFLINE"] = "true"  # selenium manager must not look for a browser or driver online
    options = webdriver.ChromeOptions()
    options.binary_location = _program("GLASSNET_CHROMIUM", ("chromium", "chromium-browser"))
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile_dir}")
    if download_dir is not None:
        options.add_experimental_option("prefs", {"download.default_directory": str(download_dir),
                                                  "download.prompt_for_download": False})
    service = Service(executable_path=_program("GLASSNET_CHROMEDRIVER", ("chromedriver",)))
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(60)
    if download_dir is not None:
        driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(download_dir)})
    return driver


def draw_stroke(driver, element, points, pointer="mouse"):
    """Press, move through ``points`` (x, y from the element's top-left corner) and release, as
    real pointer events of kind ``pointer`` (mouse, pen or touch)."""
    from selenium.webdriver.common.actions import interaction
    from selenium.webdriver.common.actions.action_builder import ActionBuilder
    from selenium.webdriver.common.actions.pointer_input import PointerInput
    kinds = {"mouse": interaction.POINTER_MOUSE, "pen": interaction.POINTER_PEN, "touch": interaction.POINTER_TOUCH}
    device = PointerInput(kinds[pointer], pointer)
    builder = ActionBuilder(driver, mouse=device)
    width, height = element.size["width"], element.size["height"]
    offsets = [(int(x - width / 2), int(y - height / 2)) for x, y in points]  # selenium measures from the centre
    builder.pointer_action.move_to(element, *offsets[0]).pointer_down()
    for x, y in offsets[1:]:
        builder.pointer_action.move_to(element, x, y)
    builder.pointer_action.pointer_up()
    builder.perform()
