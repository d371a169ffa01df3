"""The editor pages in headless Chromium, on their own editor server (CNSCD_ROLE=editor) with a private
copy of the demo warehouse, a temp editors file and a temp imports folder:
- import (pages/6_Nhap_lieu.py): log in as an editor, upload a small valid district report, read the
  dry-run figures (the same counts `ingest.prepare` gives in this process), confirm, and see the batch
  in the page's batch list and its manifest kept;
- boundaries (pages/8_Ranh_gioi.py): the status table shows what `boundary_ui.status_table` counts; an
  editor's upload of a broken file is refused with a message naming the file.
Nothing outside localhost is reachable (the `page` fixture)."""
from __future__ import annotations

import json
import re
import shutil

import pytest
from playwright.sync_api import expect

from cnscd.store import auth
from tests.browser.conftest import Browse, serve
from tests.ingest_fixtures import district_report, dry

pytestmark = pytest.mark.browser

EDITOR, PASSWORD = "dongthap", "mat-khau-rat-dai"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def editor_site(warehouse_file, tmp_path_factory, chromium):
    """(base URL, warehouse copy, imports folder) of an editor server no other test writes to."""
    root = tmp_path_factory.mktemp("editor_site")
    live = root / "wh" / "warehouse.duckdb"
    live.parent.mkdir()
    shutil.copyfile(warehouse_file, live)
    editors = root / "config" / "editors.toml"
    editors.parent.mkdir()
    auth.add_editor(EDITOR, PASSWORD, ["87"], editors)
    imports = root / "wh" / "imports"
    env = {"CNSCD_WAREHOUSE": str(live), "CNSCD_EDITORS": str(editors), "CNSCD_IMPORTS_DIR": str(imports),
           "CNSCD_ROLE": "editor"}
    with serve(env, root / "server.log") as url:
        yield url, live, imports


@pytest.fixture
def ed(page, editor_site) -> Browse:
    return Browse(page, editor_site[0])


def log_in(ui: Browse) -> None:
    side = ui.page.locator('[data-testid="stSidebar"]')
    side.get_by_label("Tên đăng nhập").fill(EDITOR)
    side.get_by_label("Mật khẩu").fill(PASSWORD)
    ui.rerun(side.get_by_role("button", name="Đăng nhập").click)
    expect(side).to_contain_text(f"Đang đăng nhập: {EDITOR}")


def upload(ui: Browse, name: str, data: bytes, mime: str) -> None:
    box = ui.page.locator('[data-testid="stFileUploaderDropzoneInput"]')
    ui.rerun(lambda: box.set_input_files(files=[{"name": name, "mimeType": mime, "buffer": data}]))


def metric(ui: Browse, label: str) -> str:
    m = ui.page.locator('[data-testid="stMetric"]').filter(
        has=ui.page.locator('[data-testid="stMetricLabel"]', has_text=re.compile(f"^{label}$")))
    return m.locator('[data-testid="stMetricValue"]').inner_text().strip()


def vi_int(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def no_exception(ui: Browse) -> None:
    shown = ui.page.locator('[data-testid="stException"]')
    assert shown.count() == 0, shown.first.inner_text()[:3000]      # the exception's own text, for the log


def test_import_dry_run_then_commit(ed, editor_site):
    _, live, imports = editor_site
    report = district_report()
    expected = dry(live, report, "dong_thap_t3_2024.xlsx", scope=["87"]).counts()
    assert expected["errors"] == 0 and expected["observations"] > 0, expected

    ed.open("nhap-lieu")
    no_exception(ed)
    expect(ed.page.get_by_text("Đăng nhập để nhập liệu hoặc huỷ lô", exact=False)).to_be_visible()
    expect(ed.page.get_by_text("Chưa có lô nào.")).to_be_visible()
    log_in(ed)
    upload(ed, "dong_thap_t3_2024.xlsx", report, XLSX)
    no_exception(ed)
    expect(ed.page.get_by_role("heading", name="Kết quả kiểm tra")).to_be_visible()
    expect(ed.page.get_by_text("Tệp hợp lệ. Kiểm tra lại rồi bấm Xác nhận để ghi.")).to_be_visible()
    shown = {k: metric(ed, label) for k, label in [("observations", "Số liệu"), ("targets", "Mục tiêu"),
                                                    ("conflicts", "Xung đột"), ("errors", "Lỗi")]}
    assert shown == {k: vi_int(expected[k]) for k in shown}, (shown, expected)
    assert not imports.exists() or not list(imports.glob("*.json")), "the dry run wrote a batch"
    ed.shot("import_dry_run")

    ed.rerun(ed.page.get_by_role("button", name="Xác nhận nhập").click)
    no_exception(ed)
    done = ed.page.locator('[data-testid="stAlert"]').filter(has_text="Đã nhập lô")
    expect(done).to_be_visible()
    batch_id = re.search(r"Đã nhập lô (\S+):", done.inner_text()).group(1)
    assert f"{vi_int(expected['observations'])} số liệu" in done.inner_text()
    manifests = [json.loads(p.read_text()) for p in imports.rglob("*.json")]
    assert [m["batch_id"] for m in manifests if m.get("batch_id")] == [batch_id], manifests
    # reflected on the page: the batch list shows it, the 'no batches' caption is gone, the uploader is clear
    expect(ed.page.get_by_text("Chưa có lô nào.")).to_have_count(0)
    expect(ed.page.get_by_role("heading", name="Kết quả kiểm tra")).to_have_count(0)
    grid = ed.page.locator('[data-testid="stDataFrame"]').last.locator("[id^='glide-cell-']")
    expect(grid.first).to_be_attached()
    cells = grid.evaluate_all("els => els.map(e => e.textContent)")
    assert batch_id in cells, cells
    ed.shot("import_committed")
    assert ed.page.blocked == []


def test_boundaries_status_and_a_refused_upload(ed, warehouse_env):
    # the expected table is read in this process, from the same data the editor server was given
    from cnscd.views import boundaries as bu
    from cnscd.ui import cache

    ed.open("ranh-gioi")
    no_exception(ed)
    expect(ed.page.get_by_role("heading", name="Trạng thái ranh giới")).to_be_visible()
    expected = bu.status_table("vi", cache.version_label)
    table = ed.page.locator('[data-testid="stDataFrame"]').first
    table.scroll_into_view_if_needed()
    cells = table.locator("[id^='glide-cell-']")
    expect(cells.first).to_be_attached()
    grid = dict(cells.evaluate_all("els => els.map(e => [e.id, e.textContent])"))
    width = expected.width
    row_ids = sorted({k.rsplit("-", 1)[1] for k in grid}, key=int)
    shown = [tuple(grid.get(f"glide-cell-{c}-{r}") for c in range(width)) for r in row_ids]
    shown = [row for row in shown if all(v is not None for v in row)]
    assert shown == [tuple(map(str, row)) for row in expected.iter_rows()], (shown, expected)

    expect(ed.page.get_by_text("Đăng nhập biên tập viên để tải ranh giới", exact=False)).to_be_visible()
    log_in(ed)
    upload(ed, "hong.geojson", b'{"type": "FeatureCollection", "features": [', "application/geo+json")
    no_exception(ed)
    refused = ed.page.locator('[data-testid="stAlert"]').filter(has_text="Tệp bị từ chối: hong.geojson")
    expect(refused).to_be_visible()
    expect(refused).to_contain_text("Ranh giới đã lưu không thay đổi")
    expect(ed.page.get_by_role("button", name=re.compile("^Xác nhận"))).to_have_count(0)
    ed.shot("boundaries_refused")
    assert ed.page.blocked == []
