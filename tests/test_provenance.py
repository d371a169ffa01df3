"""Every data file under data/ and geo/ carries provenance with a matching checksum."""
from data import provenance


def test_every_data_file_has_valid_provenance():
    assert provenance.data_files(), "no data files found"
    assert provenance.check() == []
