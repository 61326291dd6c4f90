from sla_monitor.cli.main import main


def test_init_on_embedded_aws_creates_everything(capsys):
    assert main(["init", "--embedded"]) == 0
    out = capsys.readouterr().out
    # Embedded AWS is made ready on start, so init finds every resource already there.
    for what in (
        "table sla-monitor-cases",
        "table sla-monitor-directory",
        "bucket sla-monitor-raw-mail",
        "directory",
        "reply templates",
    ):
        assert f"exists   {what}" in out


def test_init_is_idempotent(embedded):
    from sla_monitor_local.provisioning import provision

    from sla_monitor.directory import default_directory

    clients = {name: embedded.client(name) for name in ("dynamodb", "s3", "ses")}
    report = provision(
        embedded.settings,
        clients=clients,
        directory=default_directory(),
        directory_store=embedded.directory_store,
    )
    assert report.created == []
    assert len(embedded.directory_store.load_directory().departments) == 7
    # The council's starting reply templates, stored once, each with its change kept.
    templates = embedded.directory_store.reply_templates()
    assert "Service request done" in [t.title for t in templates]
    assert [c.what for c in embedded.directory_store.reply_template_changes(templates[0].key)] == [
        "added"
    ]


def test_init_seeds_a_councils_own_directory(tmp_path, capsys):
    from sla_monitor_local.embedded import embedded_aws

    from sla_monitor.directory import Directory
    from sla_monitor.runtime import services

    own = tmp_path / "directory.yaml"
    own.write_text(
        "corporate_complaints_officer: cco\n"
        "chief_executive: ceo\n"
        "departments:\n"
        "  - {code: parks, name: Parks, head_of_service: hos-parks}\n"
        "officers:\n"
        "  - {officer_id: cco, name: A Person, email: cco@example.gov.uk, job_title: CCO}\n"
        "  - {officer_id: ceo, name: B Person, email: ceo@example.gov.uk, job_title: CEO}\n"
        "  - {officer_id: hos-parks, name: C Person, email: p@example.gov.uk, job_title: Head}\n",
        encoding="utf-8",
    )
    # A deployed stack: tables and bucket exist, the directory table is empty.
    with embedded_aws(directory=Directory()):
        assert main(["init", "--directory", str(own)]) == 0
        out = capsys.readouterr().out
        assert "exists   table sla-monitor-cases" in out
        assert "created  directory" in out
        directory = services().directory_store.load_directory()
    assert [d.code for d in directory.departments] == ["parks"]
    assert directory.chief_executive == "ceo"


def test_init_explains_a_directory_it_cannot_read(tmp_path, capsys):
    assert main(["init", "--embedded", "--directory", str(tmp_path / "missing.yaml")]) == 2
    assert "cannot read the directory" in capsys.readouterr().err
