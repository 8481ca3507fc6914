"""Real renders of tiny HTML documents, checked with pypdf."""

import datetime
import io
import pathlib
import shutil
import socket
import struct
import zlib

import pypdf
import pytest

from coursepack.outputs.pdf import PdfRenderer

# a font file that ships with the theme, so the test needs no system fonts
FONT_FILE = pathlib.Path(__file__).resolve().parent.parent / "templates" / "fonts" / "LinLibertine_R.otf"
DOT_DATA_URL = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8"
    "z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def png(width: int = 2, height: int = 2) -> bytes:
    """A small red RGB PNG, written by hand so the tests need no image library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def page(body: str, head: str = "") -> str:
    return f"<html lang='en'><head><title>T</title>{head}</head><body>{body}</body></html>"


@pytest.fixture
def project(tmp_path):
    folder = tmp_path / "project"
    (folder / "assets").mkdir(parents=True)
    return folder


@pytest.fixture
def renderer(project):
    return PdfRenderer([project])


def read(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def test_metadata_comes_from_the_html(renderer, project):
    html = """<html lang="de"><head><title>Der Kalte Krieg</title>
      <meta name="author" content="Frau Weber">
      <meta name="description" content="Debattenmappe">
      <meta name="keywords" content="Geschichte, Debatte">
      </head><body><p>Text</p></body></html>"""
    created = datetime.datetime(2024, 9, 1, 8, 30, tzinfo=datetime.timezone.utc)

    reader = read(renderer.render(html, project, created=created).pdf)

    info = reader.metadata
    assert info["/Title"] == "Der Kalte Krieg"
    assert info["/Author"] == "Frau Weber"
    assert info["/Subject"] == "Debattenmappe"
    assert info["/Keywords"] == "Geschichte, Debatte"
    assert info["/CreationDate"] == info["/ModDate"] == "D:20240901083000Z"
    assert reader.trailer["/Root"]["/Lang"] == "de"


def test_date_from_html_else_source_date_epoch_else_none(renderer, project, monkeypatch):
    def creation_date(html):
        return read(renderer.render(html, project).pdf).metadata.get("/CreationDate")

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert creation_date(page("<p>x</p>")) is None

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert creation_date(page("<p>x</p>")) == "D:20231114221320Z"

    meta = "<meta name='dcterms.created' content='2021-03-04'>"
    assert creation_date(page("<p>x</p>", head=meta)) == "D:20210304"


def test_headings_become_the_outline(renderer, project):
    html = page("<h1>Cold War</h1><h2>Berlin</h2><h2>Cuba</h2><h1>Sources</h1>")

    outline = read(renderer.render(html, project).pdf).outline

    titles = [item.title if not isinstance(item, list) else [i.title for i in item]
              for item in outline]
    assert titles == ["Cold War", ["Berlin", "Cuba"], "Sources"]


def test_same_input_gives_identical_bytes(project):
    (project / "assets" / "dot.png").write_bytes(png())
    html = page("<h1>Title</h1><p>Text <img src='assets/dot.png'></p>")

    first = PdfRenderer([project]).render(html, project).pdf
    again = PdfRenderer([project]).render(html, project).pdf

    assert first == again
    # A content hash, so the /ID is stable too.
    assert read(first).trailer["/ID"][0] == read(again).trailer["/ID"][0]


def test_images_inside_the_project_and_data_urls_load(renderer, project):
    (project / "assets" / "dot.png").write_bytes(png())
    html = page(f"<img src='../assets/dot.png' alt='A red dot'><img src='{DOT_DATA_URL}' alt='A dot'>")

    # base_url is a folder inside the project: ../assets is still inside.
    printed = renderer.render(html, project / "content")

    assert printed.refused == ()
    assert printed.warnings == ()
    assert len(read(printed.pdf).pages[0].images) == 2
    assert printed.read == ((project / "assets" / "dot.png").resolve(),)  # what a cache must watch


def test_relative_url_escaping_the_project_is_refused(renderer, project):
    (project.parent / "secret.png").write_bytes(png())

    printed = renderer.render(page("<img src='assets/../../secret.png'>"), project)

    secret = project.parent / "secret.png"
    assert printed.refused == (f"{secret} is outside the project folder",)
    assert printed.pdf == b""  # nothing to write by mistake


def test_symlink_out_of_the_project_is_refused(renderer, project):
    secret = project.parent / "secret.png"
    secret.write_bytes(png())
    (project / "assets" / "link.png").symlink_to(secret)

    printed = renderer.render(page("<img src='assets/link.png'>"), project)

    assert printed.refused == (f"assets/link.png points to {secret}, outside the project folder",)


def test_network_urls_are_refused_without_connecting(renderer, project):
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.setblocking(False)
        url = f"http://127.0.0.1:{server.getsockname()[1]}/x.png"
        html = page(f"<img src='{url}'>",
                    head=f"<link rel=stylesheet href='{url[:-5]}x.css'>")

        printed = renderer.render(html, project)

        with pytest.raises(BlockingIOError):
            server.accept()  # nobody knocked
    assert f"{url}: network access is not allowed; put the file in assets/" in printed.refused
    assert len(printed.refused) == 2


def test_theme_folders_are_allowed_too(tmp_path, project):
    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / "page.css").write_text("@page { size: A5 }")
    renderer = PdfRenderer([project, theme])
    html = page("<p>x</p>", head=f"<link rel=stylesheet href='{(theme / 'page.css').as_uri()}'>")

    printed = renderer.render(html, project)

    assert [round(float(n)) for n in read(printed.pdf).pages[0].mediabox[2:]] == [420, 595]
    assert printed.warnings == ()


def test_font_face_is_embedded_with_harfbuzz_subsetting(renderer, project):
    shutil.copy(FONT_FILE, project / "assets")
    style = """<style>@font-face { font-family: "Coursepack Serif";
                                   src: url(assets/LinLibertine_R.otf) }
               body { font-family: "Coursepack Serif" }</style>"""

    printed = renderer.render(page("<p>Hello</p>", head=style), project)

    fonts = read(printed.pdf).pages[0]["/Resources"]["/Font"].values()
    names = [font.get_object()["/BaseFont"].split("+")[1] for font in fonts]
    assert names == ["Coursepack-Serif"]  # a fallback font would be DejaVu-Sans
    # WeasyPrint warns when it has to fall back to fontTools for subsetting.
    assert printed.warnings == ()


def test_warnings_are_collected(renderer, project):
    html = page("<p>x</p><img src='assets/missing.png'>", head="<style>p { colr: red }</style>")

    printed = renderer.render(html, project)

    assert printed.refused == ()
    assert any("colr" in message for message in printed.warnings)
    assert any("missing.png" in message for message in printed.warnings)
    # each render reports its own: the next document starts clean
    assert renderer.render(page("<p>y</p>"), project).warnings == ()


def test_attachments_go_through_the_fetcher_too(renderer, project):
    html = page("<p>x</p>", head="<link rel=attachment href='../../etc/hostname'>")

    printed = renderer.render(html, project)

    assert printed.refused and all("is outside the project folder" in reason for reason in printed.refused)
