"""An SDF project is what SDF deploys (deploy.xml, manifest.xml), and every problem of a
project is reported in one run (fixture: ``fixtures/sdf/deploy``: two copies of a role and
of a custom record type, one under a deploy path; a SuiteApp manifest)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES
from suitelint.errors import MAX_PROBLEMS, SourceError
from suitelint.sources.sdf import read_sdf

DEPLOY = FIXTURES / "sdf" / "deploy"


def test_only_objects_under_deploy_paths_are_read_and_the_rest_are_counted():
    project = read_sdf(DEPLOY)
    roles = {r.scriptid: r for r in project.snapshot.roles}
    assert sorted(roles) == ["customrole_picker", "customrole_top"]
    assert roles["customrole_picker"].path == str(
        DEPLOY / "src" / "Objects" / "current" / "customrole_picker.xml"
    )
    (record,) = project.snapshot.custom_objects
    assert record.name == "Bin (current)"
    (notice,) = project.notices
    assert notice.path == str(DEPLOY / "src" / "deploy.xml")
    # archive/ (a role, a record type) and the stray role are not deployed, and the roles
    # among them are named: a project whose only role is left out must show why it is empty
    assert notice.message == (
        "3 object files outside the deploy.xml <objects> paths skipped (SDF does not deploy "
        "them); 2 of them roles: Objects/archive/customrole_picker.xml, "
        "Objects/customrole_stray.xml"
    )


def test_a_suiteapps_own_appid_names_its_own_objects():
    (picker,) = [r for r in read_sdf(DEPLOY).snapshot.roles if r.scriptid == "customrole_picker"]
    # manifest.xml: publisherid com.acme + projectid wms = appid com.acme.wms
    assert [p.permkey for p in picker.permissions] == ["customrecord_bin"]


def test_the_src_folder_itself_reads_the_same_deploy_xml():
    assert read_sdf(DEPLOY / "src").snapshot == read_sdf(DEPLOY).snapshot


def copy(tmp_path: Path) -> Path:
    target = tmp_path / "project"
    shutil.copytree(DEPLOY, target)
    return target


def test_without_deploy_xml_every_object_is_read_and_deployed_duplicates_name_both_files(
    tmp_path: Path,
):
    project = copy(tmp_path)
    (project / "src" / "deploy.xml").unlink()
    with pytest.raises(SourceError) as raised:
        read_sdf(project)
    messages = [p.message for p in raised.value.problems]
    archive = project / "src" / "Objects" / "archive"
    current = project / "src" / "Objects" / "current"
    assert any(
        f"customrecordtype 'customrecord_bin' is defined twice, in {archive}/customrecord_bin.xml "
        f"and in {current}/customrecord_bin.xml" in m
        for m in messages
    ), messages
    assert any("role 'customrole_picker' is defined twice" in m for m in messages)
    assert any("unknown reference form" in m for m in messages)  # archive's copy is read now


def test_deploy_xml_with_recursive_objects_path_reads_subfolders(tmp_path: Path):
    project = copy(tmp_path)
    shutil.rmtree(project / "src" / "Objects" / "archive")
    (project / "src" / "deploy.xml").write_text(
        "<deploy><objects><path>~/Objects/*</path></objects></deploy>"
    )
    found = read_sdf(project)
    assert sorted(r.scriptid for r in found.snapshot.roles) == [
        "customrole_picker",
        "customrole_stray",
        "customrole_top",
    ]
    assert found.notices == ()


def test_a_deploy_path_that_names_no_object_file_is_said_at_its_line(tmp_path: Path):
    project = copy(tmp_path)
    (project / "src" / "deploy.xml").write_text(
        "<deploy>\n  <objects>\n    <path>~/Objects/current/*</path>\n"
        "    <path>~/Objects/test/*</path>\n    <path>~/Objects/customrole_gone.xml</path>\n"
        "    <path>~/Objects/customrole_top.xml</path>\n    <path>~/Objects/customrole_t?p.xml</path>\n"
        "    <path>~/Objects/*.json</path>\n  </objects>\n</deploy>\n"
    )
    found = read_sdf(project)
    deploy = str(project / "src" / "deploy.xml")
    assert [(n.path, n.line, n.message) for n in found.notices] == [
        (deploy, 4, "deploy.xml path '~/Objects/test/*' names no object file"),
        (deploy, 5, "deploy.xml path '~/Objects/customrole_gone.xml' names no object file"),
        (deploy, 8, "deploy.xml path '~/Objects/*.json' names no object file"),
        (
            deploy,
            None,
            "3 object files outside the deploy.xml <objects> paths skipped (SDF does not "
            "deploy them); 2 of them roles: Objects/archive/customrole_picker.xml, "
            "Objects/customrole_stray.xml",
        ),
    ]


def test_one_role_left_out_is_named_as_one(tmp_path: Path):
    project = copy(tmp_path)
    (project / "src" / "Objects" / "customrole_stray.xml").unlink()
    (notice,) = read_sdf(project).notices
    assert notice.message.endswith("); one a role: Objects/archive/customrole_picker.xml")


def test_many_deploy_paths_of_single_files_each_take_their_file(tmp_path: Path):
    objects = tmp_path / "src" / "Objects"
    objects.mkdir(parents=True)
    names = [f"customrole_{i:04}" for i in range(2000)]
    for name in names:
        (objects / f"{name}.xml").write_text(f"<role scriptid='{name}'><name>{name}</name></role>")
    listed = "".join(f"<path>~/Objects/{name}.xml</path>" for name in names[::2])
    (tmp_path / "src" / "deploy.xml").write_text(f"<deploy><objects>{listed}</objects></deploy>")
    found = read_sdf(tmp_path)
    assert [r.scriptid for r in found.snapshot.roles] == names[::2]
    (notice,) = found.notices
    assert notice.message.endswith(
        "; 1000 of them roles: Objects/customrole_0001.xml, Objects/customrole_0003.xml, "
        "Objects/customrole_0005.xml and 997 more"
    )


def test_an_account_emptied_by_deploy_xml_says_why_before_the_error(tmp_path: Path, run_cli):
    project = copy(tmp_path)
    (project / "src" / "deploy.xml").write_text(
        "<deploy>\n<objects>\n<path>~/Objects/test/*</path>\n</objects>\n</deploy>\n"
    )
    result = run_cli("check", project, "--as-of", "2026-11-25")
    assert result.exit_code == 2
    deploy = project / "src" / "deploy.xml"
    assert result.stderr.splitlines() == [
        f"{deploy}:3: info: deploy.xml path '~/Objects/test/*' names no object file",
        f"{deploy}: info: 6 object files outside the deploy.xml <objects> paths skipped (SDF "
        "does not deploy them); 4 of them roles: Objects/archive/customrole_picker.xml, "
        "Objects/current/customrole_picker.xml, Objects/customrole_stray.xml and 1 more",
        f"{project}: source error: the sources hold no roles, users, integrations or tokens; "
        "an empty account passes nothing (use --allow-empty if that is really expected)",
    ]


def test_a_deploy_path_without_tilde_is_a_located_error(tmp_path: Path):
    project = copy(tmp_path)
    (project / "src" / "deploy.xml").write_text(
        "<deploy>\n  <objects>\n    <path>Objects/*</path>\n  </objects>\n</deploy>\n"
    )
    with pytest.raises(SourceError) as raised:
        read_sdf(project)
    assert (raised.value.path, raised.value.line) == (str(project / "src" / "deploy.xml"), 3)
    assert "must start with ~/" in str(raised.value)


BROKEN = {
    "customrole_a.xml": ("<role scriptid='customrole_a'><name>A</name>\n<oops></role>", 2),
    "customrole_b.xml": ("<role scriptid='customrole_b'>\n<permissions/></role>", 1),  # no name
    "customrole_c.xml": (
        "<role scriptid='customrole_c'><name>C</name><permissions>\n<permission>"
        "<permkey>TRAN_X</permkey><permlevel>ALL</permlevel></permission></permissions></role>",
        2,
    ),
    "customrole_d.xml": (
        "<role scriptid='customrole_d'><name>D</name>\n<isinactive>maybe</isinactive></role>",
        2,
    ),
    "customrole_e.xml": (
        "<role scriptid='customrole_e'><name>E</name><permissions><permission>\n"
        "<permkey>[scriptid=customrecord_x, bad]</permkey><permlevel>VIEW</permlevel>"
        "</permission></permissions></role>",
        2,
    ),
}


def test_a_project_with_five_broken_files_reports_all_five_sorted(tmp_path: Path):
    objects = tmp_path / "src" / "Objects"
    objects.mkdir(parents=True)
    for name, (text, _) in BROKEN.items():
        (objects / name).write_text(text)
    (objects / "customrole_ok.xml").write_text(
        "<role scriptid='customrole_ok'><name>OK</name></role>"
    )
    with pytest.raises(SourceError) as raised:
        read_sdf(tmp_path)
    found = [(Path(p.path).name, p.line) for p in raised.value.problems]
    assert found == [(name, line) for name, (_, line) in sorted(BROKEN.items())]


def test_every_problem_of_one_role_is_reported(tmp_path: Path):
    (tmp_path / "customrole_x.xml").write_text(
        "<role scriptid='customrole_x'>\n<isinactive>x</isinactive>\n<permissions>\n"
        "<permission><permkey>A</permkey><permlevel>BAD</permlevel></permission>\n"
        "<permission><permlevel>VIEW</permlevel></permission>\n</permissions>\n</role>"
    )
    with pytest.raises(SourceError) as raised:
        read_sdf(tmp_path)
    assert [p.line for p in raised.value.problems] == [1, 2, 4, 5]


def test_many_problems_are_capped_with_a_count_of_the_rest(tmp_path: Path, run_cli):
    for i in range(MAX_PROBLEMS + 7):
        (tmp_path / f"customrole_{i:03}.xml").write_text(f"<role scriptid='customrole_{i:03}'/>")
    result = run_cli("check", tmp_path)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == MAX_PROBLEMS + 1
    assert lines[0].startswith(f"{tmp_path}/customrole_000.xml:1: source error: ")
    assert lines[-1] == "suitelint: source error: ... and 7 more problems not shown"


def test_check_says_at_info_level_how_many_objects_deploy_xml_left_out(run_cli):
    result = run_cli("check", DEPLOY, "--as-of", "2026-11-25")
    assert result.exit_code in (0, 1), result
    assert (
        f"{DEPLOY / 'src' / 'deploy.xml'}: info: 3 object files outside the deploy.xml"
        in result.stderr
    )


# --- what real projects carry beside their objects -------------------------------------

#: an advanced PDF template's content, as NetSuite exports it (section_4454208098: "Line 2
#: must specify the DOCTYPE"), with the FreeMarker directives such files carry
PDF_TEMPLATE = (
    '<?xml version="1.0"?>\n<!DOCTYPE pdf PUBLIC "-//big.faceless.org//report" "report-1.1.dtd">\n'
    "<pdf><head><#if record.memo?has_content></#if></head><body>${record.tranid}</body></pdf>\n"
)
ROLE = (
    '<role scriptid="customrole_ap"><name>AP</name><permissions><permission>'
    "<permkey>LIST_VENDOR</permkey><permlevel>VIEW</permlevel></permission></permissions></role>"
)


def files_project(tmp_path: Path, objects: dict[str, str] | None) -> Path:
    """A SuiteCloud project: manifest, deploy.xml, a File Cabinet template, and ``objects``
    (None: no Objects folder at all)."""
    src = tmp_path / "project" / "src"
    (src / "FileCabinet" / "SuiteScripts").mkdir(parents=True)
    (src / "FileCabinet" / "SuiteScripts" / "invoice_template.xml").write_text(PDF_TEMPLATE)
    (src / "manifest.xml").write_text(
        '<manifest projecttype="ACCOUNTCUSTOMIZATION"><projectname>p</projectname></manifest>'
    )
    (src / "deploy.xml").write_text(
        "<deploy><files><path>~/FileCabinet/*</path></files>"
        "<objects><path>~/Objects/*</path></objects></deploy>"
    )
    if objects is not None:
        (src / "Objects").mkdir()
        for name, text in objects.items():
            (src / "Objects" / name).write_text(text)
    return src.parent


def test_an_advanced_pdf_templates_template_file_is_no_object_and_is_not_read(tmp_path: Path):
    project = files_project(
        tmp_path,
        {
            "customrole_ap.xml": ROLE,
            "custtmpl_invoice.xml": "<advancedpdftemplate scriptid='custtmpl_invoice'>"
            "<title>Invoice</title></advancedpdftemplate>",
            "custtmpl_invoice.template.xml": PDF_TEMPLATE,  # a DOCTYPE and FreeMarker
        },
    )
    (role,) = read_sdf(project).snapshot.roles
    assert role.scriptid == "customrole_ap"


@pytest.mark.parametrize("objects", [None, {}], ids=["no Objects folder", "an empty one"])
def test_a_project_of_files_only_has_no_objects_and_is_refused_only_as_empty(
    tmp_path: Path, objects: dict[str, str] | None, run_cli
):
    project = files_project(tmp_path, objects)
    assert read_sdf(project).snapshot.roles == ()
    refused = run_cli("check", project)
    assert refused.exit_code == 2
    assert "the sources hold no roles, users, integrations or tokens" in refused.stderr
    assert "DOCTYPE" not in refused.stderr and "document type" not in refused.stderr
    assert run_cli("check", project, "--allow-empty").exit_code == 0


def test_a_folder_of_object_xml_skips_a_file_cabinet_in_it(tmp_path: Path):
    folder = tmp_path / "objects"
    (folder / "FileCabinet").mkdir(parents=True)
    (folder / "FileCabinet" / "invoice_template.xml").write_text(PDF_TEMPLATE)
    (folder / "customrole_ap.xml").write_text(ROLE)
    (role,) = read_sdf(folder).snapshot.roles
    assert role.scriptid == "customrole_ap"


def test_an_object_file_that_breaks_xml_is_still_an_error(tmp_path: Path):
    project = files_project(tmp_path, {"customrole_ap.xml": ROLE.replace("</role>", "")})
    with pytest.raises(SourceError, match=r"customrole_ap\.xml:1"):
        read_sdf(project)


def test_a_folder_of_several_projects_reads_each_as_sdf_deploys_it(tmp_path: Path):
    # a repository of SuiteCloud projects (Oracle's samples hold dozens): each project's
    # own deploy.xml and manifest.xml decide what it is, and its files beside Objects
    # (deploy.xml, manifest.xml, InstallationPreferences) are no objects
    repo = tmp_path / "repo"
    for name in ("wms", "wms-copy"):
        shutil.copytree(DEPLOY, repo / "projects" / name)
    prefs = repo / "projects" / "wms" / "src" / "InstallationPreferences"
    prefs.mkdir()
    (prefs / "locking.xml").write_text("<preference type='LOCKING'><not closed>")
    found = read_sdf(repo)
    alone = read_sdf(repo / "projects" / "wms").snapshot
    assert found.snapshot == alone  # the copy's objects are the same: read once, at wms
    summary = found.notices[0]
    assert summary.path == str(repo)
    assert summary.message == (
        f"2 SuiteCloud projects read as one account: {repo / 'projects' / 'wms' / 'src'}, "
        f"{repo / 'projects' / 'wms-copy' / 'src'}"
    )
    skipped = [n.path for n in found.notices[1:]]
    assert skipped == [
        str(repo / "projects" / name / "src" / "deploy.xml") for name in ("wms", "wms-copy")
    ]


def test_two_projects_that_define_one_role_differently_are_a_conflict_naming_both(
    tmp_path: Path,
):
    repo = tmp_path / "repo"
    for name in ("prod", "sandbox"):
        shutil.copytree(DEPLOY, repo / name)
    picker = repo / "sandbox" / "src" / "Objects" / "current" / "customrole_picker.xml"
    picker.write_text(picker.read_text().replace("<permlevel>EDIT", "<permlevel>FULL"))
    with pytest.raises(SourceError) as raised:
        read_sdf(repo)
    message = str(raised.value)
    assert "role 'customrole_picker' is defined differently by" in message
    assert str(repo / "prod" / "src") in message and str(repo / "sandbox" / "src") in message


def test_object_xml_outside_the_projects_of_a_folder_is_read_beside_them(tmp_path: Path):
    repo = tmp_path / "repo"
    shutil.copytree(DEPLOY, repo / "wms")
    loose = repo / "exports" / "customrole_loose.xml"
    loose.parent.mkdir(parents=True)
    loose.write_text('<role scriptid="customrole_loose">\n  <name>Loose</name>\n</role>\n')
    found = read_sdf(repo)
    assert sorted(r.scriptid for r in found.snapshot.roles) == [
        "customrole_loose",
        "customrole_picker",
        "customrole_top",
    ]
    assert found.notices[0].message.startswith(
        "1 SuiteCloud project and the SDF XML outside it read as one account: "
    )


#: what a repository keeps beside its projects, saved as .xml: an e-mail template (HTML,
#: not well-formed), one opening with a FreeMarker comment, and a PDF template
TEMPLATES = {
    "Email Templates/DUNNING 1ST REMINDER.xml": "<img src='logo.png'>\n<p>Dear ${customer}</p>\n",
    "Email Templates/Transactions.xml": "<#--FM:BEGIN-->\n\t<#if record.memo == 'T'>x</#if>\n",
    "PDF Templates/Invoice.xml": PDF_TEMPLATE,
    "PDF Templates/Statement.xml": PDF_TEMPLATE,
}


def test_templates_outside_the_projects_are_counted_not_read_and_block_nothing(tmp_path: Path):
    repo = tmp_path / "repo"
    shutil.copytree(DEPLOY, repo / "wms")
    for name, text in TEMPLATES.items():
        (repo / "client" / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / "client" / name).write_text(text)
    found = read_sdf(repo)
    assert found.snapshot == read_sdf(repo / "wms").snapshot
    (notice,) = [n for n in found.notices if "not read" in n.message]
    assert notice.path == str(repo / "client")
    assert notice.message == (
        "4 XML files outside every Objects folder not read: no SDF object suitelint reads, "
        "and not plain XML (a DOCTYPE, or not well-formed: e-mail and PDF templates); root "
        "elements <#…> 1, <img> 1, <pdf> 2; Email Templates/DUNNING 1ST REMINDER.xml, "
        "Email Templates/Transactions.xml, PDF Templates/Invoice.xml and 1 more"
    )


@pytest.mark.parametrize(
    "text",
    [
        # an object suitelint reads is read, whatever precedes it: refused, never skipped
        '<?xml version="1.0"?>\n<!DOCTYPE role PUBLIC "x" "y.dtd">\n<role scriptid="customrole_x"/>',
        '<!DOCTYPE pdf [<!ENTITY e "x">]>\n<pdf>&e;</pdf>',  # entities: never peeked past
        "<acme:role xmlns:acme='urn:x' scriptid='customrole_x'><name>X</name></acme:role>",
        "<role scriptid='customrole_x'><name>X</name>",  # not well-formed
        "Dear ${customer}, <p>your invoice</p>",  # text first: what it is cannot be told
        "",
    ],
    ids=["doctype-role", "internal-subset", "namespaced-role", "broken-role", "text", "empty"],
)
def test_loose_xml_that_may_be_an_object_is_read_and_refused_at_its_line(tmp_path: Path, text: str):
    repo = tmp_path / "repo"
    shutil.copytree(DEPLOY, repo / "wms")
    (repo / "customrole_x.xml").write_text(text)
    with pytest.raises(SourceError) as raised:
        read_sdf(repo)
    assert [p.path for p in raised.value.problems] == [str(repo / "customrole_x.xml")]


def test_a_folder_of_object_xml_without_projects_skips_templates_too(tmp_path: Path):
    folder = tmp_path / "objects"
    (folder / "templates").mkdir(parents=True)
    (folder / "templates" / "invoice.xml").write_text(PDF_TEMPLATE)
    (folder / "customrole_ap.xml").write_text(ROLE)
    found = read_sdf(folder)
    assert [r.scriptid for r in found.snapshot.roles] == ["customrole_ap"]
    (notice,) = found.notices
    assert notice.path == str(folder / "templates")


def test_a_template_inside_an_objects_folder_is_still_an_error(tmp_path: Path):
    # SDF deploys every file of Objects as an object: one that is none is refused
    project = files_project(tmp_path, {"customrole_ap.xml": ROLE, "invoice.xml": PDF_TEMPLATE})
    with pytest.raises(SourceError, match=r"Objects/invoice\.xml:2: document type declarations"):
        read_sdf(project)


def test_a_project_whose_source_folder_is_not_src_is_found_and_read_as_sdf_reads_it(
    tmp_path: Path,
):
    # suitecloud.config.js may name any defaultProjectFolder (a public one: source/assets)
    project = tmp_path / "project"
    shutil.copytree(DEPLOY / "src", project / "source" / "assets")
    (project / "suitecloud.config.js").write_text(
        'module.exports = { defaultProjectFolder: "source/assets", commands: {} };\n'
    )
    found = read_sdf(project)
    assert found.snapshot == read_sdf(project / "source" / "assets").snapshot
    assert [n.path for n in found.notices] == [str(project / "source" / "assets" / "deploy.xml")]
