"""Names for synthetic people and agencies: common in England, from many backgrounds."""

FIRST_NAMES = (
    "Oliver", "Amelia", "George", "Olivia", "Harry", "Isla", "Noah", "Ava", "Jack", "Mia",
    "Leo", "Ivy", "Arthur", "Lily", "Muhammad", "Florence", "Oscar", "Freya", "Charlie",
    "Emily", "Jacob", "Grace", "Thomas", "Sophie", "James", "Poppy", "William", "Evie", "Henry",
    "Ella", "Alfie", "Isabella", "Joshua", "Ruby", "Samuel", "Chloe", "Daniel", "Hannah",
    "Joseph", "Jessica", "Benjamin", "Charlotte", "Edward", "Lucy", "David", "Sarah", "Michael",
    "Rachel", "Paul", "Helen", "Mark", "Claire", "Andrew", "Emma", "Richard", "Laura", "Peter",
    "Rebecca", "Stephen", "Karen", "Christopher", "Nicola", "Matthew", "Joanne", "Gareth",
    "Siobhan", "Ciaran", "Niamh", "Rhys", "Carys", "Callum", "Eilidh", "Mohammed", "Fatima",
    "Ahmed", "Aisha", "Omar", "Zainab", "Yusuf", "Maryam", "Ibrahim", "Amina", "Priya", "Arjun",
    "Anjali", "Rohan", "Sunita", "Ravi", "Deepa", "Sanjay", "Harpreet", "Gurpreet", "Oluwaseun",
    "Chiamaka", "Kwame", "Adaeze", "Tunde", "Folake", "Kofi", "Abena", "Chinedu", "Ngozi",
    "Wei", "Mei", "Jun", "Lin", "Tomasz", "Agnieszka", "Piotr", "Katarzyna", "Andrei", "Elena",
    "Mehmet", "Ayse", "Luca", "Giulia", "Mateus", "Ana", "Kemal", "Leyla", "Hamza", "Safiya",
    "Ellis", "Jordan",
)  # fmt: skip
LAST_NAMES = (
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
    "Johnson", "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards",
    "Hughes", "Green", "Hall", "Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood",
    "Turner", "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Clark", "Lee", "King",
    "Baker", "Harrison", "Morgan", "Allen", "James", "Scott", "Phillips", "Watson", "Davis",
    "Parker", "Price", "Bennett", "Young", "Griffiths", "Mitchell", "Kelly", "Cook",
    "Carter", "Richardson", "Bailey", "Collins", "Bell", "Shaw", "Murphy", "Miller", "Cox",
    "Richards", "Khan", "Marshall", "Anderson", "Simpson", "Ellis", "Adams", "Singh",
    "Begum", "Wilkinson", "Foster", "Chapman", "Powell", "Webb", "Rogers", "Gray", "Mason",
    "Ali", "Hussain", "Ahmed", "Rahman", "Shah", "Sharma", "Kaur", "Gill", "Chowdhury",
    "Okafor", "Adeyemi", "Mensah", "Owusu", "Okonkwo", "Adebayo", "Boateng", "Nwosu",
    "Chen", "Wang", "Li", "Nguyen", "Kowalski", "Nowak", "Popescu", "Yilmaz", "Demir",
    "Rossi", "Silva", "Santos", "O'Brien", "O'Connor", "McCarthy", "MacDonald", "Byrne",
    "Fitzgerald", "Lloyd", "Reid", "Campbell", "Stewart", "Douglas", "Hamilton-Smith",
)  # fmt: skip
PLACES = (
    "Oakfield", "Riverside", "Hillside", "St Mary's", "Elmwood", "Parkside", "Greenway",
    "Church Street", "Station Road", "Victoria", "Albert", "Brookside", "Beechwood", "Cedar",
    "Holy Trinity", "St John's", "Meadow", "Ashgrove", "Northfield", "Southgate", "Westbury",
    "Eastfield", "Kingsway", "Queensway", "Fairfield", "Highfield", "Lime Tree", "Willow",
)  # fmt: skip
