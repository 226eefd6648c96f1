"""The one road in: parse → normalise → store the posting → assign a job → index → change log."""
