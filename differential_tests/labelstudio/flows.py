"""The request flows sent to both servers, in order, from a fresh project (``label-studio start --init``; the
mock's ``empty`` recipe). Each step is (label, method, path, body); a body is JSON unless wrapped in ``Form``
or ``Raw``. State carries from one flow to the next, the same on both sides."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import io
import zipfile
from typing import Any
from urllib.parse import quote

IMAGE = ('<View><Image name="image" value="$image"/><Choices name="choice" toName="image">'
         '<Choice value="Cat"/><Choice value="Dog"/></Choices></View>')

TEXT = '<View><Text name="text" value="$text"/><Labels name="l" toName="text"><Label value="A"/><Label value="B"/>' \
       "</Labels></View>"
EVERY_TAG = ('<View><Image name="i" value="$image"/><Text name="t" value="$text"/><Text name="u" value="$url" '
             'valueType="url"/><HyperText name="h" value="$html"/><Audio name="a" value="$audio"/>'
             '<AudioPlus name="ap" value="$audioplus"/><Header name="hd" value="$header"/>'
             '<Dialog name="d" value="$dialog"/><Table name="tb" value="$table"/><Text name="lt" value="$longText"/>'
             '<HyperText name="v" value="$video"/><Text name="o" value="$other"/><View value="$view"/></View>')

S3 = "/api/project/storage-settings?storage_for=source&type=s3"
NER = ('<View><Text name="text" value="$text"/><Labels name="label" toName="text"><Label value="PER"/>'
       '<Label value="ORG"/></Labels></View>')
BOXES = ('<View><Image name="image" value="$image"/><RectangleLabels name="box" toName="image"><Label value="Cat"/>'
         '<Label value="Dog"/></RectangleLabels></View>')


def span(start: int, end: int, label: str) -> dict[str, Any]:
    return {"from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": start, "end": end, "labels": [label]}}


def box(x: float, y: float, width: float, height: float, label: str) -> dict[str, Any]:
    return {"from_name": "box", "to_name": "image", "type": "rectanglelabels", "original_width": 640,
            "original_height": 480, "value": {"x": x, "y": y, "width": width, "height": height, "rotation": 0,
                                              "rectanglelabels": [label]}}


@dataclasses.dataclass(frozen=True)
class Form:
    fields: dict[str, str]


@dataclasses.dataclass(frozen=True)
class Files:
    """A multipart body: (field name, file name, content) per file, and form fields."""

    files: tuple[tuple[str, str, bytes], ...]
    fields: tuple[tuple[str, str], ...] = ()


def zipped(**members: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in members.items():
            archive.writestr(name.replace("__", "/").replace("_", "."), content)
    return out.getvalue()


def ui(name: str, content: bytes) -> Files:
    """The web UI's upload: the field is named after its file."""
    return Files(((name, name, content),))


def documented(name: str, content: bytes) -> Files:
    """The docs' ``curl -F FileUpload=@name``."""
    return Files((("FileUpload", name, content),))


@dataclasses.dataclass(frozen=True)
class As:
    """A request with an ``Authorization`` header (None: without one)."""

    authorization: str | None
    body: Any = None


PHOTO = b"\xff\xd8\xff\xe0 not really a JPEG"
ALICE = "Basic " + base64.b64encode(b"alice:s3cret").decode()


@dataclasses.dataclass(frozen=True)
class Raw:
    content: bytes
    content_type: str


BRUSH = ('<View><Image name="image" value="$image"/><BrushLabels name="tag" toName="image"><Label value="Car"/>'
         '<Label value="Road"/></BrushLabels></View>')


def rle(pixels: bytes) -> list[int]:
    """The frontend's run-length code of RGBA ``pixels`` (repeat runs of up to 256 equal bytes, word size 8)."""
    bits = f"{len(pixels):032b}" + f"{7:05b}" + f"{7:04b}" * 4
    start = 0
    while start < len(pixels):
        end = start
        while end < len(pixels) and end - start < 256 and pixels[end] == pixels[start]:
            end += 1
        bits += "1" + "00" + f"{end - start - 1:08b}" + f"{pixels[start]:08b}"
        start = end
    bits += "0" * (-len(bits) % 8)
    return [int(bits[i:i + 8], 2) for i in range(0, len(bits), 8)]


def brush(label: str, width: int, height: int, alpha: list[int], number: int = 0) -> dict[str, Any]:
    """A brush region whose alpha channel is ``alpha`` (row by row)."""
    pixels = b"".join(bytes([number, 0, 0, a]) for a in alpha)
    return {"from_name": "tag", "to_name": "image", "type": "brushlabels", "original_width": width,
            "original_height": height, "value": {"format": "rle", "rle": rle(pixels), "brushlabels": [label]}}


def choice(label: str) -> list[dict[str, Any]]:
    return [{"from_name": "choice", "to_name": "image", "type": "choices", "value": {"choices": [label]}}]


Step = tuple[str, str, str, Any]

FLOWS: dict[str, list[Step]] = {
    "basics": [
        ("health", "GET", "/api/health", None),
        ("health with a trailing slash", "GET", "/api/health/", None),
        ("version", "GET", "/version", None),
        ("fresh project", "GET", "/api/project", None),
        ("no tasks", "GET", "/api/tasks", None),
        ("next with no tasks", "GET", "/api/project/next", None),
        ("unknown route", "GET", "/api/nope", None),
        ("GET of the config route", "GET", "/api/project/config", None),
        ("GET of a task's completions", "GET", "/api/tasks/0/completions", None),
        ("wrong method", "PUT", "/api/tasks/0", None),
        ("wrong method on health", "DELETE", "/api/health", None),
    ],
    "brush exports": [  # early: failed exports of the same second would leave files in these
        ("a brush config", "POST", "/api/project/config", {"label_config": BRUSH}),
        ("three images", "POST", "/api/project/import", [{"image": f"b{n}.jpg"} for n in range(3)]),
        ("two regions", "POST", "/api/tasks/0/completions",
         {"result": [brush("Car", 3, 2, [0, 255, 255, 0, 128, 0]), brush("Car", 2, 2, [1, 2, 3, 4], 1)]}),
        ("a second completion with a road", "POST", "/api/tasks/0/completions",
         {"result": [brush("Road", 4, 1, [9, 9, 9, 200])]}),
        ("a cancelled completion", "POST", "/api/tasks/1/completions?was_cancelled=1", {"result": []}),
        ("BRUSH_TO_NUMPY", "GET", "/api/project/export?format=BRUSH_TO_NUMPY", None),
        ("BRUSH_TO_PNG", "GET", "/api/project/export?format=BRUSH_TO_PNG", None),
        ("a region of the wrong size", "POST", "/api/tasks/2/completions",
         {"result": [brush("Road", 5, 5, [1, 2, 3])]}),
        ("BRUSH_TO_NUMPY with it", "GET", "/api/project/export?format=BRUSH_TO_NUMPY", None),
        ("ASR_MANIFEST", "GET", "/api/project/export?format=ASR_MANIFEST", None),
        ("start over", "DELETE", "/api/tasks", None),
    ],
    "config": [
        ("save as JSON", "POST", "/api/project/config", {"label_config": IMAGE}),
        ("bad toName", "POST", "/api/project/config",
         {"label_config": IMAGE.replace('toName="image"', 'toName="nope"')}),
        ("broken XML", "POST", "/api/project/config", {"label_config": "<View><Image"}),
        ("empty config", "POST", "/api/project/config", {"label_config": ""}),
        ("a single Choice", "POST", "/api/project/config",
         {"label_config": IMAGE.replace('<Choice value="Dog"/>', "")}),
        ("no label_config", "POST", "/api/project/config", {}),
        ("a number", "POST", "/api/project/config", {"label_config": 5}),
        ("malformed JSON", "POST", "/api/project/config", Raw(b"{bad", "application/json")),
        ("an unknown tag", "POST", "/api/project/config", {"label_config": "<View><Foo/></View>"}),
        ("a text config", "POST", "/api/project/config",
         {"label_config": '<View><Text name="t" value="$text"/></View>'}),
        ("project after saves", "GET", "/api/project", None),
        ("save as a form", "POST", "/api/project/config", Form({"label_config": IMAGE})),
        ("validate a form", "POST", "/api/validate-config", Form({"label_config": IMAGE})),
        ("validate broken XML", "POST", "/api/validate-config", Form({"label_config": "<View><Image"})),
        ("validate JSON", "POST", "/api/validate-config", {"label_config": IMAGE}),
        ("project with the image config", "GET", "/api/project", None),
    ],
    "config checks": [(label, "POST", "/api/project/config", {"label_config": config}) for label, config in (
        ("toName of a missing tag", '<View><Choices name="c" toName="image"><Choice value="A"/><Choice value="B"/>'
                                    "</Choices></View>"),
        ("Choices without name", '<View><Image name="i" value="$image"/><Choices toName="i"><Choice value="A"/>'
                                 '<Choice value="B"/></Choices></View>'),
        ("Image without name", '<View><Image value="$image"/><Choices name="c" toName="i"><Choice value="A"/>'
                               '<Choice value="B"/></Choices></View>'),
        ("Image without value", '<View><Image name="i"/><Choices name="c" toName="i"><Choice value="A"/>'
                                '<Choice value="B"/></Choices></View>'),
        ("root not View", '<Foo><Image name="i" value="$image"/></Foo>'),
        ("Choices without Choice", '<View><Image name="i" value="$image"/><Choices name="c" toName="i"/></View>'),
        ("one Label", '<View><Text name="t" value="$text"/><Labels name="l" toName="t"><Label value="A"/></Labels>'
                      "</View>"),
        ("Labels without Label", '<View><Labels name="l" toName="t"/><Text name="t" value="$t"/></View>'),
        ("Label without value", '<View><Labels name="l" toName="t"><Label/></Labels><Text name="t" value="$t"/>'
                                "</View>"),
        ("TextArea and Rating", '<View><Text name="t" value="$text"/><TextArea name="ta" toName="t"/>'
                                '<Rating name="r" toName="t"/></View>'),
        ("a value without $", '<View><Image name="i" value="image"/></View>'),
        ("Choice nested in a View", '<View><Image name="i" value="$image"/><Choices name="c" toName="i"><View>'
                                    '<Choice value="A"/></View><Choice value="B"/></Choices></View>'),
        ("duplicate names", '<View><Image name="i" value="$image"/><Image name="i" value="$image2"/></View>'),
        ("two toNames", '<View><Image name="a" value="$a"/><Image name="b" value="$b"/><Choices name="c" '
                        'toName="a,b"><Choice value="A"/><Choice value="B"/></Choices></View>'),
        ("Choice without value", '<View><Image name="i" value="$image"/><Choices name="c" toName="i">'
                                 '<Choice value="A"/><Choice/></Choices></View>'),
        ("numeric and boolean values", '<View><Image name="i" value="$image"/><Choices name="c" toName="i">'
                                       '<Choice value="1"/><Choice value="true"/></Choices></View>'),
        ("text inside Choice", '<View><Image name="i" value="$image"/><Choices name="c" toName="i">'
                               '<Choice value="A">5</Choice><Choice value="B"/></Choices></View>'),
        ("single quotes hide a bad toName", "<View><Image name='i' value='$image'/><Choices name='c' toName='x'>"
                                            "<Choice value='A'/><Choice value='B'/></Choices></View>"),
        ("an encoding declaration", '<?xml version="1.0" encoding="UTF-8"?><View><Image name="i" '
                                    'value="$image"/></View>'),
        ("a nested View without name", '<View><View><Image name="i"/></View></View>'),
        ("back to the image config", IMAGE),
    )] + [
        ("a form without label_config", "POST", "/api/project/config", Form({"other": "x"})),
        ("an XML body", "POST", "/api/project/config", Raw(IMAGE.encode(), "application/xml")),
        ("a text body", "POST", "/api/project/config", Raw(b"hello", "text/plain")),
        ("no body", "POST", "/api/project/config", None),
        ("validate a form without label_config", "POST", "/api/validate-config", Form({"other": "x"})),
        ("validate duplicate names", "POST", "/api/validate-config",
         Form({"label_config": '<View><Image name="i" value="$image"/><Image name="i" value="$x"/></View>'})),
        ("the config is still the image config", "GET", "/api/project", None),
    ],
    "import": [
        ("three tasks", "POST", "/api/project/import", [
            {"image": "http://example.org/a.jpg"},
            {"data": {"image": "http://example.org/b.jpg"}, "predictions": [{"result": choice("Dog"), "score": 0.5}]},
            {"image": "http://example.org/c.jpg", "extra": 1}]),
        ("one task object", "POST", "/api/project/import", {"image": "http://example.org/d.jpg"}),
        ("a task with a completion", "POST", "/api/project/import",
         [{"data": {"image": "http://example.org/e.jpg"}, "completions": [{"result": choice("Cat")}]}]),
        ("bad items", "POST", "/api/project/import", [{"img": "x.jpg"}, {"image": 5}, {"image": "ok.jpg"},
                                                     {"data": {"img": "y"}}, "str", {"data": {"image": "z"}, "meta": 5},
                                                     {"data": {"image": "z"}, "completions": [{}]},
                                                     {"data": {"image": "z"}, "predictions": [{"result": {}}]}]),
        ("an empty list", "POST", "/api/project/import", []),
        ("a number", "POST", "/api/project/import", 5),
        ("no body", "POST", "/api/project/import", None),
        ("malformed JSON", "POST", "/api/project/import", Raw(b"{bad", "application/json")),
        ("config changing a data key", "POST", "/api/project/config",
         {"label_config": IMAGE.replace("$image", "$img")}),
        ("config removing a used label", "POST", "/api/project/config",
         {"label_config": IMAGE.replace('"Cat"', '"Bird"')}),
        ("project after imports", "GET", "/api/project", None),
    ],
    "tasks": [
        ("first page", "GET", "/api/tasks", None),
        ("page 2 of 2", "GET", "/api/tasks?page=2&page_size=2", None),
        ("a page past the end", "GET", "/api/tasks?page=9&page_size=2", None),
        ("newest id first", "GET", "/api/tasks?order=-id&page_size=3", None),
        ("page 0", "GET", "/api/tasks?page=0", None),
        ("page size 0", "GET", "/api/tasks?page_size=0", None),
        ("page abc", "GET", "/api/tasks?page=abc", None),
        ("fields id", "GET", "/api/tasks?fields=id", None),
        ("fields id,data", "GET", "/api/tasks?fields=id,data", None),
        ("an unknown field", "GET", "/api/tasks?fields=id,nope", None),
        ("an empty order", "GET", "/api/tasks?order=", None),
        ("an unknown order", "GET", "/api/tasks?order=bogus", None),
        ("an open task", "GET", "/api/tasks/0", None),
        ("a done task", "GET", "/api/tasks/4", None),
        ("pretty", "GET", "/api/tasks/0?pretty=1", None),
        ("id 00", "GET", "/api/tasks/00", None),
        ("an unknown task", "GET", "/api/tasks/99999", None),
        ("a negative id", "GET", "/api/tasks/-1", None),
        ("a non-number", "GET", "/api/tasks/abc", None),
        ("an id beyond 64 bits", "GET", "/api/tasks/467219992002800171369", None),
        ("a line break in the id", "GET", "/api/tasks/a%0Ab", None),
        ("next", "GET", "/api/project/next", None),
    ],
    "completions": [
        ("create", "POST", "/api/tasks/0/completions", {"lead_time": 2.5, "result": choice("Cat")}),
        ("create cancelled", "POST", "/api/tasks/0/completions?was_cancelled=1", {"lead_time": 1.0, "result": []}),
        ("create with id and was_cancelled", "POST", "/api/tasks/1/completions",
         {"result": choice("Dog"), "id": 77, "was_cancelled": True}),
        ("create on an unknown task", "POST", "/api/tasks/99999/completions", {"result": []}),
        ("create on a non-number", "POST", "/api/tasks/abc/completions", {"result": []}),
        ("create with a list body", "POST", "/api/tasks/0/completions", [1]),
        ("create without a body", "POST", "/api/tasks/0/completions", None),
        ("patch without a body", "PATCH", "/api/tasks/0/completions/1", None),
        ("create with malformed JSON", "POST", "/api/tasks/0/completions?x=1", Raw(b"{bad", "application/json")),
        ("task 0", "GET", "/api/tasks/0", None),
        ("by completed_at, newest first", "GET", "/api/tasks?order=-completed_at", None),
        ("by completed_at", "GET", "/api/tasks?order=completed_at", None),
        ("by cancelled", "GET", "/api/tasks?order=has_cancelled_completions", None),
        ("by cancelled, descending", "GET", "/api/tasks?order=-has_cancelled_completions", None),
        ("patch", "PATCH", "/api/tasks/0/completions/1", {"result": choice("Dog"), "lead_time": 9}),
        ("patch was_cancelled", "PATCH", "/api/tasks/0/completions/2", {"was_cancelled": True}),
        ("patch an unknown completion", "PATCH", "/api/tasks/0/completions/55555", {"result": []}),
        ("patch on a task without completions", "PATCH", "/api/tasks/2/completions/5", {"result": choice("Dog")}),
        ("patch null", "PATCH", "/api/tasks/0/completions/null", {"result": []}),
        ("patch a non-number", "PATCH", "/api/tasks/0/completions/abc", {"result": []}),
        ("patch on an unknown task", "PATCH", "/api/tasks/99/completions/1", {"result": []}),
        ("patch with a list body", "PATCH", "/api/tasks/0/completions/1", [1]),
        ("patch with malformed JSON", "PATCH", "/api/tasks/0/completions/1", Raw(b"{bad", "application/json")),
        ("task 0 after patches", "GET", "/api/tasks/0", None),
        ("task 2 after a patch", "GET", "/api/tasks/2", None),
        ("next after completions", "GET", "/api/project/next", None),
        ("delete", "DELETE", "/api/tasks/0/completions/1", None),
        ("delete an unknown completion", "DELETE", "/api/tasks/0/completions/55555", None),
        ("delete on an unknown task", "DELETE", "/api/tasks/99/completions/1", None),
        ("delete a non-number", "DELETE", "/api/tasks/0/completions/abc", None),
        ("delete the rest", "DELETE", "/api/tasks/0/completions/2", None),
        ("delete the last", "DELETE", "/api/tasks/0/completions/3", None),
        ("task 0 with no completions left", "GET", "/api/tasks/0", None),
        ("a done task with no completions in the list", "GET", "/api/tasks?fields=id,completed_at", None),
        ("order with an undefined completed_at", "GET", "/api/tasks?order=completed_at", None),
        ("project counters", "GET", "/api/project", None),
    ],
    "export": [
        ("JSON", "GET", "/api/project/export?format=JSON", None),
        ("JSON_MIN", "GET", "/api/project/export?format=JSON_MIN", None),
        ("CSV", "GET", "/api/project/export?format=CSV", None),
        ("TSV", "GET", "/api/project/export?format=TSV", None),
        ("no format", "GET", "/api/project/export", None),
        ("lower case", "GET", "/api/project/export?format=json", None),
        ("an unknown format", "GET", "/api/project/export?format=YOLO", None),
        ("two choices and unicode", "POST", "/api/tasks/2/completions", {"lead_time": 1, "result": [
            {"from_name": "choice", "to_name": "image", "type": "choices", "value": {"choices": ["Dog", "Cat"]}},
            {"from_name": "nope", "to_name": "image", "type": "choices", "value": {"choices": ["Dog"]}}]}),
        ("a newer single choice", "POST", "/api/tasks/4/completions", {"result": choice("Dog"), "note": "é"}),
        ("JSON again", "GET", "/api/project/export?format=JSON", None),
        ("JSON_MIN again", "GET", "/api/project/export?format=JSON_MIN", None),
        ("CSV again", "GET", "/api/project/export?format=CSV", None),
        ("TSV again", "GET", "/api/project/export?format=TSV", None),
    ],
    "deletes": [
        ("delete a task", "DELETE", "/api/tasks/3", None),
        ("delete it again", "DELETE", "/api/tasks/3", None),
        ("delete a non-number", "DELETE", "/api/tasks/abc", None),
        ("delete an id beyond 64 bits", "DELETE", "/api/tasks/467219992002800171369", None),
        ("project after a delete", "GET", "/api/project", None),
        ("import after a delete", "POST", "/api/project/import", [{"image": "f.jpg"}, {"image": "g.jpg"}]),
        ("next is the lowest open", "GET", "/api/project/next", None),
        ("complete 5", "POST", "/api/tasks/5/completions", {"result": []}),
        ("complete 6", "POST", "/api/tasks/6/completions", {"result": choice("Cat")}),
        ("nothing left", "GET", "/api/project/next", None),
        ("all tasks", "GET", "/api/tasks?page_size=100", None),
    ],
    "poison": [
        ("a completion without result", "POST", "/api/tasks/4/completions", {}),
        ("any completion delete fails", "DELETE", "/api/tasks/4/completions/4001", None),
        ("import fails but imports", "POST", "/api/project/import", [{"image": "h.jpg"}]),
        ("the task is there", "GET", "/api/tasks/7", None),
        ("project after the poison", "GET", "/api/project", None),
        ("deleting the poisoned completion fails too", "DELETE", "/api/tasks/4/completions/4002", None),
        ("a delete on a task without completions", "DELETE", "/api/tasks/7/completions/7001", None),
        ("deleting a task fails but deletes", "DELETE", "/api/tasks/7", None),
        ("task ids with completions", "GET", "/api/completions", None),
        ("emptying another task fails but empties", "DELETE", "/api/tasks/5/completions", None),
        ("healing by emptying the task", "DELETE", "/api/tasks/4/completions", None),
        ("the healed task is open", "GET", "/api/tasks/4", None),
        ("deletes work again", "DELETE", "/api/tasks/6/completions/6001", None),
    ],
    "cleanup": [
        ("task ids with completions", "GET", "/api/completions", None),
        ("empty an unknown task", "DELETE", "/api/tasks/99/completions", None),
        ("empty a non-number", "DELETE", "/api/tasks/abc/completions", None),
        ("delete every completion", "DELETE", "/api/completions", None),
        ("no task ids left", "GET", "/api/completions", None),
        ("next after deleting every completion", "GET", "/api/project/next", None),
        ("project without completions", "GET", "/api/project", None),
        ("delete every task", "DELETE", "/api/tasks", None),
        ("no tasks", "GET", "/api/tasks", None),
        ("ids start at 0 again", "POST", "/api/project/import", [{"image": "i.jpg"}]),
        ("project at the end", "GET", "/api/project", None),
    ],
    "encoding": [
        ("unicode and floats", "POST", "/api/project/import", [
            {"data": {"image": "http://example.org/é ü/猫 🐱.jpg"},
             "predictions": [{"result": choice("Cat"), "score": 0.1}, {"result": [], "score": 1e-05},
                             {"result": [], "score": 12345678.9, "note": "<b>&'\"</b>"}]}]),
        ("unicode in the list", "GET", "/api/tasks?page_size=100", None),
        ("unicode in one task", "GET", "/api/tasks/1", None),
        ("unicode pretty", "GET", "/api/tasks/1?pretty=1", None),
        ("unicode next", "GET", "/api/project/next", None),
        ("unicode completion", "POST", "/api/tasks/1/completions",
         {"lead_time": 0.30000000000000004, "result": choice("Cat"), "comment": "très bien 👍"}),
        ("unicode done task", "GET", "/api/tasks/1", None),
        ("unicode done list", "GET", "/api/tasks?page_size=100", None),
        ("a unicode import error", "POST", "/api/project/import", [{"imäge": "ü"}]),
        ("a unicode config error", "POST", "/api/project/config",
         {"label_config": IMAGE.replace('toName="image"', 'toName="bïld"')}),
        ("head of health", "HEAD", "/api/health", None),
        ("options of the project", "OPTIONS", "/api/project", None),
    ],
    "project and models": [
        ("POST the project", "POST", "/api/project", None),
        ("POST a new project", "POST", "/api/project?new=1&desc=x", None),
        ("PATCH without a body", "PATCH", "/api/project", None),
        ("PATCH a title", "PATCH", "/api/project", {"title": "x"}),
        ("PATCH a number", "PATCH", "/api/project", 5),
        ("models", "GET", "/api/models", None),
        ("delete an unknown model", "DELETE", "/api/models", {"name": "x"}),
        ("delete a model without a name", "DELETE", "/api/models", {}),
        ("delete a model without a body", "DELETE", "/api/models", None),
        ("train", "POST", "/api/models/train", None),
        ("predictions", "GET", "/api/models/predictions", None),
        ("predictions for all tasks", "POST", "/api/models/predictions?mode=all_tasks", None),
        ("predictions for data", "POST", "/api/models/predictions?mode=data", {"image": "x.jpg"}),
        ("states", "GET", "/api/states", None),
        ("the project after all that", "GET", "/api/project", None),
    ],
    "data types": [
        ("start over", "DELETE", "/api/tasks", None),
        ("a config of every object tag", "POST", "/api/project/config", {"label_config": (
            '<View><Table name="t" value="$t"/><List name="l" value="$l"/><Dialog name="d" value="$d"/>'
            '<TimeSeries name="ts" value="$ts"/><HyperText name="h" value="$h"/><Header name="hd" value="$hd"/>'
            '<Text name="x" value="$x"/><Choices name="c" toName="x"><Choice value="A"/><Choice value="B"/>'
            "</Choices></View>")}),
        ("the data types", "GET", "/api/project", None),
        ("fitting data", "POST", "/api/project/import",
         [{"t": {"a": 1}, "l": [{"text": "a"}], "d": [], "ts": "x", "h": "<b/>", "hd": 5, "x": 1.5}]),
        ("wrong types", "POST", "/api/project/import",
         [{"t": [1], "l": [{"txt": "a"}], "d": {}, "ts": 5, "h": 5, "hd": [], "x": None}]),
        ("a List item without text", "POST", "/api/project/import",
         [{"t": {}, "l": [{"txt": "a"}], "d": [], "ts": [], "h": "", "hd": "", "x": ""}]),
        ("a List of strings", "POST", "/api/project/import",
         [{"t": {}, "l": ["a"], "d": [], "ts": [], "h": "", "hd": "", "x": ""}]),
        ("a List of numbers", "POST", "/api/project/import",
         [{"t": {}, "l": [1], "d": [], "ts": [], "h": "", "hd": "", "x": ""}]),
        ("a boolean Text", "POST", "/api/project/import",
         [{"t": {}, "l": [], "d": [], "ts": [], "h": "", "hd": "", "x": True}]),
        ("a list as data", "POST", "/api/project/import", [{"data": [1, 2]}]),
        ("a string as data", "POST", "/api/project/import", [{"data": "x"}]),
        ("completions not a list", "POST", "/api/project/import",
         [{"data": {"t": {}, "l": [], "d": [], "ts": [], "h": "", "hd": "", "x": ""}, "completions": {"result": []}}]),
        ("a result not a list", "POST", "/api/project/import",
         [{"data": {"t": {}, "l": [], "d": [], "ts": [], "h": "", "hd": "", "x": ""},
           "completions": [{"result": {}}]}]),
        ("predictions not a list", "POST", "/api/project/import",
         [{"data": {"t": {}, "l": [], "d": [], "ts": [], "h": "", "hd": "", "x": ""}, "predictions": {}}]),
        ("a prediction without result", "POST", "/api/project/import",
         [{"data": {"t": {}, "l": [], "d": [], "ts": [], "h": "", "hd": "", "x": ""}, "predictions": [{}]}]),
        ("null and list items", "POST", "/api/project/import", [None, [1]]),
        ("120 bad items", "POST", "/api/project/import", [{"img": "x"}] * 120),
        ("a config dropping a shared key", "POST", "/api/project/config", {"label_config": (
            '<View><Text name="x" value="$x"/><Text name="y" value="$y"/><Choices name="c" toName="y">'
            '<Choice value="A"/><Choice value="B"/></Choices></View>')}),
        ("a completion with two labels", "POST", "/api/tasks/0/completions", {"result": [
            {"from_name": "c", "to_name": "x", "type": "choices", "value": {"choices": ["A", "B"]}}]}),
        ("a config dropping both labels", "POST", "/api/project/config", {"label_config": (
            '<View><Table name="t" value="$t"/><List name="l" value="$l"/><Dialog name="d" value="$d"/>'
            '<TimeSeries name="ts" value="$ts"/><HyperText name="h" value="$h"/><Header name="hd" value="$hd"/>'
            '<Text name="x" value="$x"/><Choices name="c" toName="x"><Choice value="C"/><Choice value="D"/>'
            "</Choices></View>")}),
        ("a config renaming the control", "POST", "/api/project/config", {"label_config": (
            '<View><Text name="x" value="$x"/><Choices name="c2" toName="x"><Choice value="A"/><Choice value="B"/>'
            "</Choices></View>")}),
        ("a config with aliases", "POST", "/api/project/config", {"label_config": (
            '<View><Text name="x" value="$x"/><Choices name="c" toName="x"><Choice value="a" alias="A"/>'
            '<Choice value="b" alias="B"/></Choices></View>')}),
    ],
    "pages and deprecated routes": [
        ("start over", "DELETE", "/api/tasks", None),
        ("the image config", "POST", "/api/project/config", {"label_config": IMAGE}),
        ("the root without tasks", "GET", "/", None),
        ("an example for a config", "GET", "/api/import-example?label_config=" + quote(IMAGE), None),
        ("an example for a text config", "GET", "/api/import-example?label_config=" + quote(TEXT), None),
        ("an example for a broken config", "GET", "/api/import-example?label_config=%3CView", None),
        ("an example without a config", "GET", "/api/import-example", None),
        ("an example from a form", "POST", "/api/import-example", Form({"label_config": IMAGE})),
        ("an example of every object tag", "POST", "/api/import-example", Form({"label_config": EVERY_TAG})),
        ("the example file", "GET", "/api/import-example-file", None),
        ("the example file as CSV", "GET", "/api/import-example-file?q=csv", None),
        ("the example file as TSV", "GET", "/api/import-example-file?q=tsv", None),
        ("the example file as TXT", "GET", "/api/import-example-file?q=txt", None),
        ("the example file raw", "GET", "/api/import-example-file?q=json&raw=1", None),
        ("the example file as XLSX", "GET", "/api/import-example-file?q=xlsx", None),
        ("tasks through the deprecated import", "POST", "/api/import", [{"image": "a.jpg"}, {"image": "b.jpg"}]),
        ("the root with tasks", "GET", "/?x=1", None),
        ("next, deprecated", "GET", "/api/projects/1/next/", None),
        ("next, deprecated, without the slash", "GET", "/api/projects/1/next", None),
        ("complete 0", "POST", "/api/tasks/0/completions", {"result": choice("Cat")}),
        ("completion ids, deprecated", "GET", "/api/projects/1/completions_ids/", None),
        ("the instruction, deprecated", "GET", "/api/projects/1/expert_instruction", None),
        ("export, deprecated", "GET", "/api/export?format=JSON", None),
        ("save a config, deprecated", "POST", "/api/save-config", {"label_config": IMAGE}),
        ("save a bad config, deprecated", "POST", "/api/save-config", {"label_config": "<View"}),
        ("train, deprecated", "POST", "/api/train", None),
        ("predict, deprecated", "POST", "/predict", {"image": "x.jpg"}),
        ("predict a task, deprecated", "POST", "/predict", {"data": {"image": "x.jpg"}}),
        ("predict without a body, deprecated", "POST", "/predict", None),
        ("cancel, deprecated", "POST", "/api/tasks/0/cancel", None),
        ("remove an ML backend, deprecated", "POST", "/api/remove-ml-backend", {"name": "x"}),
        ("delete every completion, deprecated", "DELETE", "/api/project/completions/", None),
        ("no completion ids left", "GET", "/api/projects/1/completions_ids/", None),
        ("switch without a uuid", "GET", "/api/project-switch", None),
        ("switch by form without a uuid", "POST", "/api/project-switch", None),
        ("switch in single-project mode", "GET", "/api/project-switch?uuid=0d4d4b4e-1c1c-4c1c-8c1c-1c1c1c1c1c1c",
         None),
        ("switch by form in single-project mode", "POST", "/api/project-switch?uuid=x", None),
        ("delete every task, deprecated", "DELETE", "/api/tasks/delete", None),
        ("no tasks left", "GET", "/api/tasks", None),
    ],
    "storage settings": [
        ("the forms", "GET", "/api/project/storage-settings", None),
        ("S3 without credentials", "POST", S3, {"type": "s3", "path": "bucket"}),
        ("S3 without a path", "POST", S3, {"type": "s3", "regex": ".*"}),
        ("S3 with a bad regex and no path", "POST", S3, {"type": "s3", "regex": "("}),
        ("S3 with a number as regex", "POST", S3, {"type": "s3", "path": "bucket", "regex": 5}),
        ("S3 with an empty object", "POST", S3, {}),
        ("S3 without a body", "POST", S3, None),
        ("an unknown type", "POST", "/api/project/storage-settings?storage_for=source&type=nope", {"type": "nope"}),
        ("the local tasks file", "POST", "/api/project/storage-settings?storage_for=source&type=tasks-json",
         {"type": "tasks-json"}),
        ("the local tasks file without type", "POST",
         "/api/project/storage-settings?storage_for=source&type=tasks-json", {}),
        ("the current target", "POST", "/api/project/storage-settings?storage_for=target",
         {"type": "completions-dir"}),
        ("GCS completions without credentials", "POST",
         "/api/project/storage-settings?storage_for=target&type=gcs-completions",
         {"type": "gcs-completions", "path": "b"}),
        ("S3 completions without a path", "POST",
         "/api/project/storage-settings?storage_for=target&type=s3-completions", {"type": "s3-completions"}),
        ("a text config", "POST", "/api/project/config", {"label_config": TEXT}),
        ("the forms after", "GET", "/api/project/storage-settings", None),
        ("the project after", "GET", "/api/project", None),
    ],
    "file uploads": [
        ("the image config", "POST", "/api/project/config", {"label_config": IMAGE}),
        ("CSV", "POST", "/api/project/import", ui("tasks.csv", b"image,extra,flag\na.jpg,1,True\nb.jpg,,False\n")),
        ("TSV", "POST", "/api/project/import", ui("tasks.tsv", b"image\tn\tx\nc.jpg\t2\t0.5\n")),
        ("JSON", "POST", "/api/project/import",
         ui("tasks.json", b'[{"image": "d.jpg"}, {"data": {"image": "e.jpg"}}]')),
        ("a JSON object", "POST", "/api/project/import", ui("one.json", b'{"image": "f.jpg"}')),
        ("TXT", "POST", "/api/project/import", ui("lines.txt", "g.jpg\nh\u00e9.jpg\n".encode())),
        ("an image", "POST", "/api/project/import", ui("photo.jpg", PHOTO)),
        ("the stored image", "GET", "/data/upload/" + hashlib.md5(PHOTO).hexdigest() + "-photo.jpg", None),
        ("a file never stored", "GET", "/data/upload/nope.jpg", None),
        ("a local file", "GET", "/data/x.jpg?d=/tmp", None),
        ("two files", "POST", "/api/project/import",
         Files((("p.png", "p.png", b"\x89PNG"), ("more.csv", "more.csv", b"image\ni.jpg\n")))),
        ("a ZIP", "POST", "/api/project/import",
         ui("batch.zip", zipped(a_csv=b"image\nj.jpg\n", b_json=b'[{"image": "k.jpg"}]', c_jpg=b"\xff\xd8"))),
        ("a ZIP with a TXT", "POST", "/api/project/import", ui("text.zip", zipped(a_txt=b"l.jpg\n"))),
        ("a ZIP with a folder", "POST", "/api/project/import", ui("folder.zip", zipped(d__a_json=b'{"image": "m"}'))),
        ("the documented form, CSV", "POST", "/api/project/import", documented("tasks.csv", b"image\nn.jpg\n")),
        ("the stored CSV", "GET", "/data/upload/" + hashlib.md5(b"image\nn.jpg\n").hexdigest() + "-FileUpload", None),
        ("the documented form, broken JSON", "POST", "/api/project/import", documented("bad.json", b"{bad")),
        ("broken JSON", "POST", "/api/project/import", ui("bad.json", b"{bad")),
        ("JSON with trailing data", "POST", "/api/project/import", ui("trail.json", b"[] x")),
        ("JSON null", "POST", "/api/project/import", ui("null.json", b"null")),
        ("a JSON number", "POST", "/api/project/import", ui("five.json", b"5")),
        ("an empty JSON list", "POST", "/api/project/import", ui("empty.json", b"[]")),
        ("a CSV with a header only", "POST", "/api/project/import", ui("head.csv", b"image\n")),
        ("an empty CSV", "POST", "/api/project/import", ui("empty.csv", b"")),
        ("a CSV without the image column", "POST", "/api/project/import", ui("other.csv", b"img\no.jpg\n")),
        ("a form without files", "POST", "/api/project/import",
         Raw(b'--b\r\nContent-Disposition: form-data; name="x"\r\n\r\ny\r\n--b--\r\n',
             "multipart/form-data; boundary=b")),
        ("a file through the deprecated import", "POST", "/api/import", ui("old.csv", b"image\np.jpg\n")),
        ("every task", "GET", "/api/tasks?page_size=100", None),
        ("the project", "GET", "/api/project", None),
        ("a two-key config", "POST", "/api/project/config", {"label_config": EVERY_TAG}),
        ("start over", "DELETE", "/api/tasks", None),
        ("an image into a two-key config", "POST", "/api/project/import", ui("q.jpg", b"\xff\xd8")),
        ("a CSV into a two-key config", "POST", "/api/project/import", ui("r.csv", b"image,text\ns.jpg,t\n")),
        ("back to the image config", "POST", "/api/project/config", {"label_config": IMAGE}),
        ("a malformed multipart body", "POST", "/api/project/import",
         Raw(b"--b1\r\n[]--b1--\r\n", "multipart/form-data; boundary=b1")),
        ("a multipart body without boundary", "POST", "/api/project/import", Raw(b"zzz", "multipart/form-data")),
    ],
    "converter exports": [
        ("start over", "DELETE", "/api/tasks", None),
        ("a NER config", "POST", "/api/project/config", {"label_config": NER}),
        ("two texts", "POST", "/api/project/import",
         [{"text": "Alice works at Acme Corp now"}, {"text": "Bob  sleeps,  too"}]),
        ("entities", "POST", "/api/tasks/0/completions", {"result": [span(0, 5, "PER"), span(15, 24, "ORG")]}),
        ("no entities", "POST", "/api/tasks/1/completions", {"result": []}),
        ("CONLL2003", "GET", "/api/project/export?format=CONLL2003", None),
        ("start over for boxes", "DELETE", "/api/tasks", None),
        ("a box config", "POST", "/api/project/config", {"label_config": BOXES}),
        ("an image nobody serves", "POST", "/api/project/import", [{"image": "http://127.0.0.1:9/cat.jpg"}]),
        ("two boxes", "POST", "/api/tasks/0/completions", {"result": [box(10, 20, 30.5, 40, "Cat"),
                                                                     box(50, 50, 12.25, 7, "Dog")]}),
        ("COCO", "GET", "/api/project/export?format=COCO", None),
        ("VOC", "GET", "/api/project/export?format=VOC", None),
        ("CONLL2003 of boxes", "GET", "/api/project/export?format=CONLL2003", None),
    ],
}


def scored(*scores: float) -> list[dict[str, Any]]:
    return [{"result": choice("Cat"), "score": score} for score in scores]


SCORED_FLOWS: dict[str, list[Step]] = {
    "score sampling": [
        ("the image config", "POST", "/api/project/config", {"label_config": IMAGE}),
        ("next with no tasks", "GET", "/api/project/next", None),
        ("tasks without predictions", "POST", "/api/project/import", [{"image": "a.jpg"}, {"image": "b.jpg"}]),
        ("next without predictions", "GET", "/api/project/next", None),
        ("scored tasks", "POST", "/api/project/import", [
            {"data": {"image": "c.jpg"}, "predictions": scored(0.9, 0.1)},
            {"data": {"image": "d.jpg"}, "predictions": scored(0.3)},
            {"data": {"image": "e.jpg"}, "predictions": scored(0.5, 0.1)},
            {"data": {"image": "f.jpg"}, "predictions": scored(0.3)},
            {"data": {"image": "g.jpg"}, "predictions": []}]),
        ("the lowest mean", "GET", "/api/project/next", None),
        ("complete it", "POST", "/api/tasks/3/completions", {"result": choice("Dog")}),
        ("a tie: the first", "GET", "/api/project/next", None),
        ("complete that", "POST", "/api/tasks/4/completions", {"result": choice("Dog")}),
        ("cancel the next", "POST", "/api/tasks/5/completions?was_cancelled=1", {"result": []}),
        ("then the last scored", "GET", "/api/project/next", None),
        ("complete the last scored", "POST", "/api/tasks/2/completions", {"result": []}),
        ("none scored is left", "GET", "/api/project/next", None),
        ("a prediction without score", "POST", "/api/project/import",
         [{"data": {"image": "h.jpg"}, "predictions": [{"result": []}]}]),
        ("next fails on it", "GET", "/api/project/next", None),
        ("a string score", "POST", "/api/project/import",
         [{"data": {"image": "i.jpg"}, "predictions": [{"result": [], "score": "high"}]}]),
        ("remove the scoreless task", "DELETE", "/api/tasks/7", None),
        ("next fails on the string", "GET", "/api/project/next", None),
    ],
}


AUTH_FLOWS: dict[str, list[Step]] = {
    "basic auth": [
        ("health without credentials", "GET", "/api/health", None),
        ("health as alice", "GET", "/api/health", As(ALICE)),
        ("the default user", "GET", "/api/health", As("Basic " + base64.b64encode(b"ls:s3cret").decode())),
        ("a wrong password", "GET", "/api/project", As("Basic " + base64.b64encode(b"alice:nope").decode())),
        ("a bearer token", "GET", "/api/project", As("Bearer s3cret")),
        ("a broken header", "GET", "/api/project", As("Basic !!!")),
        ("version without credentials", "GET", "/version", None),
        ("the root without credentials", "GET", "/", None),
        ("an import without credentials", "POST", "/api/project/import", [{"image": "a.jpg"}]),
        ("a deprecated route without credentials", "POST", "/predict", {"image": "x"}),
        ("options without credentials", "OPTIONS", "/api/project", None),
        ("an unknown route without credentials", "GET", "/api/nope", None),
        ("a wrong method without credentials", "DELETE", "/api/health", None),
        ("head without credentials", "HEAD", "/api/health", None),
        ("the config as alice", "POST", "/api/project/config", As(ALICE, {"label_config": IMAGE})),
        ("an import as alice", "POST", "/api/project/import", As(ALICE, [{"image": "a.jpg"}])),
        ("the tasks as alice", "GET", "/api/tasks", As(ALICE)),
        ("the project as alice", "GET", "/api/project", As(ALICE)),
    ],
}
