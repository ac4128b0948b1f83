"""Reading report files into records: readers -> Document -> extractors -> EvaluationRecord -> loader."""
