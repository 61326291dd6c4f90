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
    ):
        assert f"exists   {what}" in out


def test_init_is_idempotent(embedded):
    from sla_monitor.directory import default_directory
    from sla_monitor.provisioning import provision

    clients = {name: embedded.client(name) for name in ("dynamodb", "s3", "ses")}
    report = provision(
        embedded.settings,
        clients=clients,
        directory=default_directory(),
        directory_store=embedded.directory_store,
    )
    assert report.created == []
    assert len(embedded.directory_store.load_directory().departments) == 7
